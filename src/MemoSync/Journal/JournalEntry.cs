namespace MemoSync.Journal;

/// <summary>A turn with its sync state: the guide's <c>synced</c>, <c>retry_count</c> and the fields of DESIGN.md.</summary>
/// <param name="Turn">The turn.</param>
/// <param name="State">Pending, synced or dead.</param>
/// <param name="RetryCount">Failed delivery attempts charged to the turn.</param>
/// <param name="NextAttemptAt">When a pending turn is due.</param>
/// <param name="LastError">Why the last attempt failed, or why the turn is dead.</param>
/// <param name="LeaseUntil">While in the future, the turn is being delivered by its lease holder.</param>
/// <param name="BlobId">The Memobase blob id, once synced.</param>
/// <param name="SyncedAt">When Memobase said yes.</param>
public sealed record JournalEntry(
    Turn Turn,
    TurnState State,
    int RetryCount,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    DateTimeOffset? LeaseUntil,
    Guid? BlobId,
    DateTimeOffset? SyncedAt);
