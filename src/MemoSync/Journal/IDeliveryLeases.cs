namespace MemoSync.Journal;

/// <summary>
/// The journal's delivery role: the journal is the queue. Due turns are leased in batches, the leases of turns in
/// flight are renewed, and each delivery ends in one write: synced, failed (due again later) or dead.
/// </summary>
public interface IDeliveryLeases
{
    /// <summary>
    /// Leases up to <paramref name="max"/> due pending turns, oldest first, in one commit. A user's turns come in order: a
    /// turn backing off, or leased by another owner, holds back its user's later turns. Turns the claimer holds already
    /// are neither returned nor hold anything back. A turn whose earlier lease ended without an outcome comes back with
    /// <see cref="JournalEntry.OutcomeUnknown"/> set: its owner may have sent it.
    /// </summary>
    Task<ClaimedTurns> ClaimDueAsync(int max, TurnLease lease, CancellationToken ct = default);

    /// <summary>Extends the lease on turns the owner holds; returns those it still holds (any other was taken over, or settled).</summary>
    Task<IReadOnlySet<Guid>> RenewAsync(IReadOnlyCollection<Guid> turnIds, TurnLease lease, CancellationToken ct = default);

    /// <summary>Hands turns back untried and uncharged, due when they were, so that any owner may take them at once.</summary>
    Task<int> UnleaseAsync(IReadOnlyCollection<Guid> turnIds, string owner, CancellationToken ct = default);

    /// <summary>Marks a leased turn synced; false when <paramref name="owner"/> no longer holds its lease.</summary>
    Task<bool> MarkSyncedAsync(Guid turnId, string owner, Guid? blobId, CancellationToken ct = default);

    /// <summary>Ends a failed attempt: the turn is due again at <see cref="FailedAttempt.NextAttemptAt"/>; false when the lease was lost.</summary>
    Task<bool> ReleaseAsync(Guid turnId, string owner, FailedAttempt attempt, CancellationToken ct = default);

    /// <summary>Marks a leased turn dead with the reason.</summary>
    Task<bool> MarkDeadAsync(Guid turnId, string owner, string reason, CancellationToken ct = default);
}
