namespace MemoSync.Journal;

/// <summary>
/// The durable record of turns and their sync state. An append returns only once the turn is on
/// disk; a claim leases turns so that no other worker or process delivers them meanwhile.
/// </summary>
public interface IDialogueJournal : IAsyncDisposable
{
    /// <summary>Appends a turn durably; appending the same id twice keeps the first.</summary>
    /// <exception cref="TurnRejectedException">The turn is invalid; nothing was written.</exception>
    /// <exception cref="JournalUnavailableException">The journal cannot be written; the turn was not recorded.</exception>
    Task AppendAsync(Turn turn, CancellationToken ct = default);

    /// <summary>Appends several turns in one durable commit.</summary>
    Task AppendManyAsync(IReadOnlyList<Turn> turns, CancellationToken ct = default);

    /// <summary>Leases one pending turn by id (the real-time path); null when it is not pending, or leased by another.</summary>
    Task<JournalEntry?> TryClaimAsync(Guid turnId, string owner, TimeSpan lease, CancellationToken ct = default);

    /// <summary>
    /// Leases up to <paramref name="max"/> due pending turns, oldest first (the sweeper's path). A turn never tried
    /// and recorded less than <paramref name="leaveFresh"/> ago is left to the real-time worker.
    /// </summary>
    Task<IReadOnlyList<JournalEntry>> ClaimDueAsync(int max, string owner, TimeSpan lease, TimeSpan leaveFresh = default, CancellationToken ct = default);

    /// <summary>Marks a leased turn synced; false when <paramref name="owner"/> no longer holds its lease.</summary>
    Task<bool> MarkSyncedAsync(Guid turnId, string owner, Guid? blobId, CancellationToken ct = default);

    /// <summary>Ends a failed attempt: <c>retry_count</c>+1, due again at <paramref name="nextAttemptAt"/>.</summary>
    Task<bool> ReleaseAsync(Guid turnId, string owner, DateTimeOffset nextAttemptAt, string failure, bool chargeRetry = true, CancellationToken ct = default);

    /// <summary>Marks a leased turn dead with the reason.</summary>
    Task<bool> MarkDeadAsync(Guid turnId, string owner, string reason, CancellationToken ct = default);

    /// <summary>Makes every dead turn pending again with <c>retry_count</c> 0; returns how many.</summary>
    Task<int> RequeueDeadAsync(CancellationToken ct = default);

    /// <summary>Makes one dead or pending turn due now with <c>retry_count</c> 0; false when it is unknown or synced.</summary>
    Task<bool> RequeueAsync(Guid turnId, CancellationToken ct = default);

    /// <summary>Counts by state and user, the oldest pending turn, the latest errors.</summary>
    Task<JournalStatus> GetStatusAsync(int recentErrors = 10, CancellationToken ct = default);

    /// <summary>Turns in <paramref name="state"/> (all when null), oldest first.</summary>
    Task<IReadOnlyList<JournalEntry>> ListAsync(TurnState? state, int limit, CancellationToken ct = default);

    /// <summary>Every turn in the journal's order after <paramref name="after"/> (from the start when null or unknown), up to <paramref name="limit"/>: a page for copying a journal.</summary>
    Task<IReadOnlyList<JournalEntry>> ListAfterAsync(Guid? after, int limit, CancellationToken ct = default);

    /// <summary>
    /// Adds turns with their state, as another journal held them, in one durable commit, skipping ids this journal
    /// holds already (so a copy can be run again); leases are not carried over. Returns how many were added.
    /// </summary>
    Task<int> AddEntriesAsync(IReadOnlyList<JournalEntry> entries, CancellationToken ct = default);

    /// <summary>One turn, or null.</summary>
    Task<JournalEntry?> GetAsync(Guid turnId, CancellationToken ct = default);

    /// <summary>Deletes synced turns synced before <paramref name="syncedBefore"/>; returns how many.</summary>
    Task<int> PurgeSyncedAsync(DateTimeOffset syncedBefore, CancellationToken ct = default);

    /// <summary>
    /// Deletes at most <paramref name="maxTurns"/> turns synced before <paramref name="syncedBefore"/>, oldest first, in one
    /// short transaction, so appends and deliveries get the journal between batches; returns how many. Never touches pending or dead turns.
    /// </summary>
    Task<int> PurgeSyncedBatchAsync(DateTimeOffset syncedBefore, int maxTurns, CancellationToken ct = default);

    /// <summary>How many synced turns were synced before <paramref name="syncedBefore"/>: what a purge would delete.</summary>
    Task<long> CountSyncedBeforeAsync(DateTimeOffset syncedBefore, CancellationToken ct = default);

    /// <summary>Adds imported lines in one durable commit, skipping those whose content hash was imported before; returns how many were added.</summary>
    Task<int> ImportAsync(IReadOnlyList<ImportedTurn> lines, CancellationToken ct = default);

    /// <summary>
    /// The marks of imported lines in hash order after <paramref name="after"/> (from the start when null), up to
    /// <paramref name="limit"/>: a page for copying a journal. A mark outlives its turn's purge.
    /// </summary>
    Task<IReadOnlyList<ImportMark>> ListImportMarksAfterAsync(string? after, int limit, CancellationToken ct = default);

    /// <summary>
    /// Adds marks that another journal held in one durable commit, skipping hashes this journal holds already, so a line
    /// imported there is not imported again here. Returns how many were added.
    /// </summary>
    Task<int> AddImportMarksAsync(IReadOnlyList<ImportMark> marks, CancellationToken ct = default);
}

/// <summary>The record that a line of the guide's JSONL was imported, which makes importing it again a no-op.</summary>
/// <param name="ContentHash">The line's <see cref="ImportedTurn.ContentHash"/>.</param>
/// <param name="TurnId">The turn it became.</param>
public sealed record ImportMark(string ContentHash, Guid TurnId);

/// <summary>A turn read from the guide's JSONL, with the state the line recorded.</summary>
/// <param name="Turn">The turn.</param>
/// <param name="Synced">The line's <c>synced</c>.</param>
/// <param name="RetryCount">The line's <c>retry_count</c>.</param>
/// <param name="ContentHash">The hash of the line that makes a second import of it a no-op.</param>
public sealed record ImportedTurn(Turn Turn, bool Synced, int RetryCount, string ContentHash);
