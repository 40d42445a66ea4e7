using MemoSync.Memobase.Models;

namespace MemoSync.Memobase.Queries;

/// <summary>The query parameters of <c>GET /users/profile/{user_id}</c>; every one is optional.</summary>
public sealed record ProfileQuery
{
    /// <summary>At most this many profiles (the server's default: all).</summary>
    public int? TopK { get; init; }

    /// <summary>At most this many tokens of profile content (default: all).</summary>
    public int? MaxTokenSize { get; init; }

    /// <summary>Topic preferences and limits.</summary>
    public TopicFilter? Topics { get; init; }

    /// <summary>Recent chats, sent as <c>chats_str</c>, to pick the profiles related to them.</summary>
    public IReadOnlyList<ChatMessage>? Chats { get; init; }

    internal void AddTo(QueryBuilder query)
    {
        query.Add("topk", TopK).Add("max_token_size", MaxTokenSize).AddChats("chats_str", Chats);
        Topics?.AddTo(query);
    }
}
