namespace MemoSync.Memory;

/// <summary>One user's context as last fetched: how old it is, how many turns it served, and when a failed fetch may be tried again.</summary>
internal sealed record CachedContext(string? Context, DateTimeOffset FetchedAt, int TurnsServed, DateTimeOffset RetryAt);
