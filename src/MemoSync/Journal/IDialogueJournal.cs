namespace MemoSync.Journal;

/// <summary>
/// The durable record of turns and their sync state, by role: recording (<see cref="ITurnLog"/>), delivery
/// (<see cref="IDeliveryLeases"/>), status and administration (<see cref="IJournalAdmin"/>), copying
/// (<see cref="IJournalCopy"/>), the signal that others changed it (<see cref="IJournalChanges"/>), and where followed files
/// stand (<see cref="IFollowCheckpoints"/>). A caller depends on the role it uses; a journal implements them all.
/// </summary>
public interface IDialogueJournal : ITurnLog, IDeliveryLeases, IJournalAdmin, IJournalCopy, IJournalChanges, IFollowCheckpoints, IAsyncDisposable;

/// <summary>The journal's status and administration role: what people look at and the repairs they make.</summary>
public interface IJournalAdmin
{
    /// <summary>
    /// Makes a write that changes nothing, in a transaction of its own: returns when the journal takes writes now.
    /// </summary>
    /// <exception cref="JournalUnavailableException">It does not (locked beyond the wait, read-only, unreachable, damaged).</exception>
    Task ProbeWriteAsync(CancellationToken ct = default);

    /// <summary>Makes every dead turn pending again with <c>retry_count</c> 0; returns how many.</summary>
    Task<int> RequeueDeadAsync(CancellationToken ct = default);

    /// <summary>Makes every dead turn of <paramref name="userId"/> pending again with <c>retry_count</c> 0; returns how many.</summary>
    Task<int> RequeueDeadAsync(string userId, CancellationToken ct = default);

    /// <summary>Makes one dead or pending turn due now with <c>retry_count</c> 0; false when it is unknown or synced.</summary>
    Task<bool> RequeueAsync(Guid turnId, CancellationToken ct = default);

    /// <summary>Counts by state and user, the oldest pending turn, the latest errors.</summary>
    Task<JournalStatus> GetStatusAsync(int recentErrors = 10, CancellationToken ct = default);

    /// <summary>Turns in <paramref name="state"/> (all when null), oldest first.</summary>
    Task<IReadOnlyList<JournalEntry>> ListAsync(TurnState? state, int limit, CancellationToken ct = default);

    /// <summary>Users with their counts by state, last synced time and oldest pending turn, as <paramref name="query"/> asks.</summary>
    Task<IReadOnlyList<UserSummary>> ListUsersAsync(UserQuery query, CancellationToken ct = default);

    /// <summary>The turns of <paramref name="userId"/> in <paramref name="state"/> (all when null), newest first.</summary>
    Task<IReadOnlyList<JournalEntry>> ListUserTurnsAsync(string userId, TurnState? state, int limit, CancellationToken ct = default);

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
}

/// <summary>The journal's copying role: pages of turns and import marks out, and in with their state.</summary>
public interface IJournalCopy
{
    /// <summary>Every turn in the journal's order after <paramref name="after"/> (from the start when null or unknown), up to <paramref name="limit"/>: a page for copying a journal.</summary>
    Task<IReadOnlyList<JournalEntry>> ListAfterAsync(Guid? after, int limit, CancellationToken ct = default);

    /// <summary>
    /// Adds turns with their state, as another journal held them, in one durable commit, skipping ids this journal
    /// holds already (so a copy can be run again); leases are not carried over. Returns how many were added.
    /// </summary>
    Task<int> AddEntriesAsync(IReadOnlyList<JournalEntry> entries, CancellationToken ct = default);

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

/// <summary>The journal's change signal: how a delivery engine learns, within milliseconds, that another process recorded a turn.</summary>
public interface IJournalChanges
{
    /// <summary>
    /// Completes, with the place of the journal's last turn, once that is later than both <paramref name="after"/> (the last
    /// answer, 0 at first) and what <paramref name="known"/> says the caller has seen (read again at each look): a turn
    /// was recorded that the caller does not hold, by whichever process. Cancelled by <paramref name="ct"/>.
    /// </summary>
    Task<long> WaitForNewTurnsAsync(long after, Func<long> known, CancellationToken ct);
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
