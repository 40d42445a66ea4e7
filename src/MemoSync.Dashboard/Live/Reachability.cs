namespace MemoSync.Dashboard.Live;

/// <summary>Whether Memobase answered.</summary>
/// <param name="Reachable">It answered its healthcheck.</param>
/// <param name="Where">Its API root.</param>
/// <param name="Error">What went wrong when it did not, or null.</param>
internal sealed record Reachability(bool Reachable, Uri Where, string? Error);
