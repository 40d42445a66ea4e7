using System.Collections.Concurrent;
using MemoSync.Journal;

namespace MemoSync.Operations;

/// <summary>
/// Counts what passes through the journal for <see cref="JournalMetrics"/>: every path records and settles
/// turns here, so the worker's and the sweeper's deliveries are counted alike without either knowing.
/// A claimed turn's recording time is kept until it is settled, for the latency.
/// </summary>
public sealed class MeteredJournal(IDialogueJournal inner, JournalMetrics metrics, TimeProvider time) : IDialogueJournal
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _claimed = new();

    /// <inheritdoc />
    public async Task AppendAsync(Turn turn, CancellationToken ct = default)
    {
        await inner.AppendAsync(turn, ct);
        metrics.Recorded(1);
    }

    /// <inheritdoc />
    public async Task AppendManyAsync(IReadOnlyList<Turn> turns, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(turns);
        await inner.AppendManyAsync(turns, ct);
        metrics.Recorded(turns.Count);
    }

    /// <inheritdoc />
    public async Task<JournalEntry?> TryClaimAsync(Guid turnId, string owner, TimeSpan lease, CancellationToken ct = default)
    {
        var entry = await inner.TryClaimAsync(turnId, owner, lease, ct);
        if (entry is not null)
        {
            _claimed[entry.Turn.Id] = entry.Turn.Timestamp;
        }
        return entry;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> ClaimDueAsync(int max, string owner, TimeSpan lease, TimeSpan leaveFresh = default, CancellationToken ct = default)
    {
        var entries = await inner.ClaimDueAsync(max, owner, lease, leaveFresh, ct);
        foreach (var entry in entries)
        {
            _claimed[entry.Turn.Id] = entry.Turn.Timestamp;
        }
        return entries;
    }

    /// <inheritdoc />
    public async Task<bool> MarkSyncedAsync(Guid turnId, string owner, Guid? blobId, CancellationToken ct = default)
    {
        var synced = await inner.MarkSyncedAsync(turnId, owner, blobId, ct);
        if (_claimed.TryRemove(turnId, out var recorded) && synced)
        {
            metrics.Delivered(time.GetUtcNow() - recorded);
        }
        return synced;
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(Guid turnId, string owner, DateTimeOffset nextAttemptAt, string failure, bool chargeRetry = true, CancellationToken ct = default)
    {
        var released = await inner.ReleaseAsync(turnId, owner, nextAttemptAt, failure, chargeRetry, ct);
        _claimed.TryRemove(turnId, out _);
        if (released && chargeRetry)
        {
            metrics.Failed();
        }
        return released;
    }

    /// <inheritdoc />
    public async Task<bool> MarkDeadAsync(Guid turnId, string owner, string reason, CancellationToken ct = default)
    {
        var dead = await inner.MarkDeadAsync(turnId, owner, reason, ct);
        _claimed.TryRemove(turnId, out _);
        if (dead)
        {
            metrics.Dead();
        }
        return dead;
    }

    /// <inheritdoc />
    public Task<int> RequeueDeadAsync(CancellationToken ct = default) => inner.RequeueDeadAsync(ct);

    /// <inheritdoc />
    public Task<bool> RequeueAsync(Guid turnId, CancellationToken ct = default) => inner.RequeueAsync(turnId, ct);

    /// <inheritdoc />
    public Task<JournalStatus> GetStatusAsync(int recentErrors = 10, CancellationToken ct = default) => inner.GetStatusAsync(recentErrors, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ListAsync(TurnState? state, int limit, CancellationToken ct = default) => inner.ListAsync(state, limit, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ListAfterAsync(Guid? after, int limit, CancellationToken ct = default) => inner.ListAfterAsync(after, limit, ct);

    /// <inheritdoc />
    public async Task<int> AddEntriesAsync(IReadOnlyList<JournalEntry> entries, CancellationToken ct = default)
    {
        var added = await inner.AddEntriesAsync(entries, ct);
        metrics.Recorded(added);
        return added;
    }

    /// <inheritdoc />
    public Task<JournalEntry?> GetAsync(Guid turnId, CancellationToken ct = default) => inner.GetAsync(turnId, ct);

    /// <inheritdoc />
    public Task<int> PurgeSyncedAsync(DateTimeOffset syncedBefore, CancellationToken ct = default) => inner.PurgeSyncedAsync(syncedBefore, ct);

    /// <inheritdoc />
    public Task<int> PurgeSyncedBatchAsync(DateTimeOffset syncedBefore, int maxTurns, CancellationToken ct = default) => inner.PurgeSyncedBatchAsync(syncedBefore, maxTurns, ct);

    /// <inheritdoc />
    public Task<long> CountSyncedBeforeAsync(DateTimeOffset syncedBefore, CancellationToken ct = default) => inner.CountSyncedBeforeAsync(syncedBefore, ct);

    /// <inheritdoc />
    public async Task<int> ImportAsync(IReadOnlyList<ImportedTurn> lines, CancellationToken ct = default)
    {
        var added = await inner.ImportAsync(lines, ct);
        metrics.Recorded(added);
        return added;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <inheritdoc />
    public Task<IReadOnlyList<ImportMark>> ListImportMarksAfterAsync(string? after, int limit, CancellationToken ct = default) =>
        inner.ListImportMarksAfterAsync(after, limit, ct);

    /// <inheritdoc />
    public Task<int> AddImportMarksAsync(IReadOnlyList<ImportMark> marks, CancellationToken ct = default) => inner.AddImportMarksAsync(marks, ct);
}
