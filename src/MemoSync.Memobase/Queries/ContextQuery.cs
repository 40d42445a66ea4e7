using MemoSync.Memobase.Models;

namespace MemoSync.Memobase.Queries;

/// <summary>The query parameters of <c>GET /users/context/{user_id}</c>; unset ones take the server's defaults.</summary>
public sealed record ContextQuery
{
    /// <summary>Size of the whole context in tokens (server default 1000).</summary>
    public int? MaxTokenSize { get; init; }

    /// <summary>Topic preferences and limits for the profile section.</summary>
    public TopicFilter? Topics { get; init; }

    /// <summary>Share of the tokens for profiles, the rest for events (server default 0.6).</summary>
    public double? ProfileEventRatio { get; init; }

    /// <summary>Only events with a summary (server default false).</summary>
    public bool? RequireEventSummary { get; init; }

    /// <summary>Recent chats, sent as <c>chats_str</c>, to search for related events.</summary>
    public IReadOnlyList<ChatMessage>? Chats { get; init; }

    /// <summary>Minimum similarity of an event to <see cref="Chats"/> (server default 0.2).</summary>
    public double? EventSimilarityThreshold { get; init; }

    /// <summary>Only events of the past days (server default 180).</summary>
    public int? TimeRangeInDays { get; init; }

    /// <summary>A template with <c>{profile_section}</c> and <c>{event_section}</c> replacing the server's layout.</summary>
    public string? CustomizeContextPrompt { get; init; }

    /// <summary>With <see cref="Chats"/>: keep all profiles and search only events (server default true).</summary>
    public bool? FullProfileAndOnlySearchEvent { get; init; }

    /// <summary>Fill the rest of the token window with events (server default false).</summary>
    public bool? FillWindowWithEvents { get; init; }

    internal void AddTo(QueryBuilder query)
    {
        query.Add("max_token_size", MaxTokenSize)
            .Add("profile_event_ratio", ProfileEventRatio)
            .Add("require_event_summary", RequireEventSummary)
            .AddChats("chats_str", Chats)
            .Add("event_similarity_threshold", EventSimilarityThreshold)
            .Add("time_range_in_days", TimeRangeInDays)
            .Add("customize_context_prompt", CustomizeContextPrompt)
            .Add("full_profile_and_only_search_event", FullProfileAndOnlySearchEvent)
            .Add("fill_window_with_events", FillWindowWithEvents);
        Topics?.AddTo(query);
    }
}
