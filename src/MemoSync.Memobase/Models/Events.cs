namespace MemoSync.Memobase.Models;

/// <summary>A tag on an event (<c>EventTag</c>).</summary>
/// <param name="Tag">The tag name.</param>
/// <param name="Value">Its value.</param>
public sealed record EventTag(string Tag, string Value);

/// <summary>What an event recorded (<c>EventData</c>).</summary>
/// <param name="ProfileDelta">The profile changes of the event.</param>
/// <param name="EventTip">A summary of the event.</param>
/// <param name="EventTags">Its tags.</param>
public sealed record EventData(
    IReadOnlyList<ProfileDelta>? ProfileDelta = null,
    string? EventTip = null,
    IReadOnlyList<EventTag>? EventTags = null);

/// <summary>An event in a user's history (<c>UserEventData</c>).</summary>
/// <param name="Id">The event id.</param>
/// <param name="EventData">What it recorded.</param>
/// <param name="CreatedAt">Set by the server.</param>
/// <param name="UpdatedAt">Set by the server.</param>
/// <param name="Similarity">The score, for search results.</param>
public sealed record UserEventData(
    Guid Id,
    EventData? EventData,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    double? Similarity = null);

/// <summary>The events of a user (<c>UserEventsData</c>).</summary>
/// <param name="Events">The events, newest first.</param>
public sealed record UserEventsData(IReadOnlyList<UserEventData> Events);

/// <summary>The prompt section built from a user's memory (<c>ContextData</c>).</summary>
/// <param name="Context">The text to put in a system prompt.</param>
public sealed record ContextData(string Context);
