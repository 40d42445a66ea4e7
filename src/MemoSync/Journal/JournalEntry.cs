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
    DateTimeOffset? SyncedAt)
{
    /// <summary>The turn's place in the journal's order; a user's turns are delivered by it.</summary>
    public long Seq { get; init; }

    /// <summary>When this journal took the turn (an imported line's own time is older): where delivery latency counts from.</summary>
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>An earlier attempt may have reached Memobase without an answer coming back: look for its blob before sending it again.</summary>
    public bool OutcomeUnknown { get; init; }
}
