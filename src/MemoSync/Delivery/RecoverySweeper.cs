using MemoSync.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;

namespace MemoSync.Delivery;

/// <summary>
/// The guide's auto_sync daemon: every <see cref="DeliveryOptions.SweepInterval"/>, or at once when
/// woken, claims due turns oldest first in batches and delivers each with one attempt; a turn that
/// fails <see cref="DeliveryOptions.SweepMaxRetries"/> times is dead. Logs each turn and each sweep's totals.
/// </summary>
/// <remarks>Run it as a hosted service, or call <see cref="SweepOnceAsync"/>.</remarks>
public sealed partial class RecoverySweeper(IDialogueJournal journal, TurnDelivery delivery, DeliveryOptions options, TimeProvider time, ILogger<RecoverySweeper> logger)
    : BackgroundService
{
    private readonly string _owner = $"sweeper-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _totalsGate = new();
    private SweepResult _totals = new(0, 0, 0, 0, Paused: false);

    /// <summary>Every sweep so far added up, for the daemon's report at exit; <see cref="SweepResult.Paused"/> tells whether the last one paused.</summary>
    public SweepResult Totals
    {
        get
        {
            lock (_totalsGate)
            {
                return _totals;
            }
        }
    }

    /// <summary>Starts a sweep now instead of at the next interval (the worker calls it when Memobase is back).</summary>
    public void WakeUp()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: one pending sweep covers every call.
        }
    }

    /// <summary>Delivers every turn due now, batch by batch, until none is left or Memobase refuses our configuration.</summary>
    public async Task<SweepResult> SweepOnceAsync(CancellationToken ct)
    {
        var (claimed, synced, retrying, dead) = (0, 0, 0, 0);
        var seen = new HashSet<Guid>();
        while (!ct.IsCancellationRequested)
        {
            var claimedNow = await journal.ClaimDueAsync(options.SweepBatchSize, _owner, options.Lease, options.RealtimeGrace, ct);
            var batch = claimedNow.Where(e => seen.Add(e.Turn.Id)).ToList();
            // A turn already tried in this sweep (due again at once) waits for the next sweep, its lease handed back,
            // and so do its user's later turns (recorded meanwhile), so the user's turns still arrive in order.
            var again = claimedNow.Except(batch).ToList();
            await ReleaseAsync(again, ct);
            if (batch.Count == 0)
            {
                break;
            }
            if (claimed == 0)
            {
                LogSweepStart(logger, batch.Count);
            }
            var run = new BatchRun(again.Select(e => e.Turn.UserId).ToHashSet());
            // A user's turns go one after another, in order; users go side by side, SweepLanes at a time, so a
            // backlog drains at the pace of several round trips to Memobase rather than one.
            await Parallel.ForEachAsync(batch.GroupBy(e => e.Turn.UserId), new ParallelOptions { MaxDegreeOfParallelism = options.SweepLanes, CancellationToken = ct },
                async (turns, token) => await DeliverUserAsync([.. turns], run, token));
            if (run.HandedBack.Count > 0)
            {
                // Their lease was half spent: they are claimed afresh, so they count once, when delivered.
                seen.ExceptWith(run.HandedBack);
                LogLeaseSpent(logger, run.HandedBack.Count);
            }
            claimed += batch.Count - run.HandedBack.Count;
            (synced, retrying, dead) = (synced + run.Synced, retrying + run.Retrying, dead + run.Dead);
            if (run.Paused)
            {
                LogPaused(logger);
                return Finish(new SweepResult(claimed, synced, retrying, dead, Paused: true));
            }
        }
        return Finish(new SweepResult(claimed, synced, retrying, dead, Paused: false));
    }

    /// <summary>Delivers one user's turns of a batch in order; after a failure, or once delivery pauses, the rest go back untried.</summary>
    private async Task DeliverUserAsync(List<JournalEntry> turns, BatchRun run, CancellationToken ct)
    {
        foreach (var (index, entry) in turns.Index())
        {
            var rest = turns[index..];
            // The lease the journal granted, not the one asked for: a claim that waited for a lock got less.
            if (time.GetUtcNow() > entry.LeaseUntil - options.Lease / 2)
            {
                // What is left of the lease may not cover another delivery, and once it ends another sweeper may send
                // the same turn: hand the rest back untried and claim them afresh.
                await ReleaseAsync(rest, ct);
                run.HandBack(rest);
                return;
            }
            if (run.Paused || run.Blocked.Contains(entry.Turn.UserId))
            {
                // Delivery paused, or an earlier turn of this user is waiting for its retry: these wait too, uncharged.
                await ReleaseAsync(rest, ct);
                return;
            }
            var outcome = await delivery.DeliverAsync(entry, _owner, ResiliencePipeline.Empty, options.SweepMaxRetries, ct);
            LogTurn(logger, entry.Turn.Id, entry.Turn.Messages.Count, entry.RetryCount + 1, outcome);
            run.Count(outcome);
            if (outcome is DeliveryOutcome.Retrying or DeliveryOutcome.Paused)
            {
                await ReleaseAsync(rest[1..], ct);
                return;
            }
        }
    }

    private SweepResult Finish(SweepResult result)
    {
        lock (_totalsGate)
        {
            _totals = new SweepResult(_totals.Claimed + result.Claimed, _totals.Synced + result.Synced, _totals.Retrying + result.Retrying,
                _totals.Dead + result.Dead, result.Paused);
        }
        if (result.Claimed > 0)
        {
            LogSweepDone(logger, result.Synced, result.Retrying, result.Dead);
        }
        return result;
    }

    /// <summary>Hands back turns of a batch untried, uncharged (delivery paused, or the lease running out).</summary>
    private async Task ReleaseAsync(IEnumerable<JournalEntry> untouched, CancellationToken ct)
    {
        foreach (var entry in untouched)
        {
            await journal.ReleaseAsync(entry.Turn.Id, _owner, entry.NextAttemptAt, entry.LastError ?? "", chargeRetry: false, ct);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var result = await SweepOnceAsync(stoppingToken);
            var wait = result.Paused ? options.ConfigurationPause : options.SweepInterval;
            try
            {
                using var timeout = new CancellationTokenSource(wait, time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
                await _wake.WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The interval passed without a wake-up: time for the next sweep.
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Found {Count} unsynced turns, delivering...")]
    private static partial void LogSweepStart(ILogger logger, int count);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "  turn {TurnId} ({Messages} messages), attempt {Attempt}: {Outcome}")]
    private static partial void LogTurn(ILogger logger, Guid turnId, int messages, int attempt, DeliveryOutcome outcome);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Sweep done: {Synced} synced, {Retrying} to retry, {Dead} dead")]
    private static partial void LogSweepDone(ILogger logger, int synced, int retrying, int dead);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Half the batch's lease is spent: {Count} turns handed back and claimed again")]
    private static partial void LogLeaseSpent(ILogger logger, int count);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Memobase refused the token or URL; delivery paused, no turn was charged")]
    private static partial void LogPaused(ILogger logger);
}
