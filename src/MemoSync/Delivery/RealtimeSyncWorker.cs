using System.Threading.Channels;
using MemoSync.Journal;
using Microsoft.Extensions.Logging;
using Polly;

namespace MemoSync.Delivery;

/// <summary>
/// Delivers turns at once, in the process that records them. <see cref="TryEnqueue"/> never blocks:
/// a full queue defers the turn to the sweeper (it is in the journal already). A user's waiting turns
/// share one lane, so they arrive in order; lanes deliver side by side. A refused token or URL pauses
/// delivery for everyone without charging any turn; it resumes by itself after a pause.
/// </summary>
public sealed partial class RealtimeSyncWorker : IAsyncDisposable
{
    private readonly IDialogueJournal _journal;
    private readonly TurnDelivery _delivery;
    private readonly DeliveryOptions _delivering;
    private readonly WorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action? _memobaseBack;
    private readonly ResiliencePipeline _quickRetries;
    private readonly Channel<Turn>[] _lanes;
    private readonly LaneAssignment _assignment;
    private readonly Task[] _running;
    private readonly string _owner = $"worker-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly CancellationTokenSource _stop = new();
    private long _pausedUntil;
    private int _failing;

    /// <summary>Starts the lanes. <paramref name="memobaseBack"/> is called when a delivery succeeds after failures (wake the sweeper).</summary>
    public RealtimeSyncWorker(IDialogueJournal journal, TurnDelivery delivery, DeliveryOptions delivering, WorkerOptions options, TimeProvider time,
        ILogger<RealtimeSyncWorker> logger, Action? memobaseBack = null)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(options);
        _journal = journal;
        _delivery = delivery;
        _delivering = delivering;
        _options = options;
        _time = time;
        _logger = logger;
        _memobaseBack = memobaseBack;
        _quickRetries = delivery.QuickRetries();
        var perLane = Math.Max(1, options.MaxQueueSize / options.Lanes);
        _lanes = Enumerable.Range(0, options.Lanes)
            .Select(_ => Channel.CreateBounded<Turn>(new BoundedChannelOptions(perLane) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true }))
            .ToArray();
        _assignment = new LaneAssignment(options.Lanes);
        _running = _lanes.Select(lane => Task.Run(() => RunLaneAsync(lane.Reader))).ToArray();
    }

    /// <summary>Counts and latencies, for the table at exit and for metrics.</summary>
    public SyncStatistics Statistics { get; } = new();

    /// <summary>True while delivery is paused by an authentication or configuration error.</summary>
    public bool IsPaused => _time.GetUtcNow().ToUnixTimeMilliseconds() < Interlocked.Read(ref _pausedUntil);

    /// <summary>Offers a turn already in the journal; false when it was deferred to the sweeper (queue full or paused). Never blocks.</summary>
    public bool TryEnqueue(Turn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        Statistics.Enqueued();
        if (!IsPaused && _assignment.TryAssign(turn.UserId, lane => _lanes[lane].Writer.TryWrite(turn)))
        {
            return true;
        }
        Statistics.Deferred();
        return false;
    }

    private async Task RunLaneAsync(ChannelReader<Turn> lane)
    {
        while (await lane.WaitToReadAsync(CancellationToken.None))
        {
            while (lane.TryRead(out var turn))
            {
                try
                {
                    if (_stop.IsCancellationRequested || IsPaused)
                    {
                        Statistics.Deferred();
                        continue;
                    }
                    await DeliverAsync(turn);
                }
                catch (Exception e) when (e is JournalUnavailableException or OperationCanceledException)
                {
                    // The turn stays pending in the journal (or the journal is gone); the sweeper owns it now.
                    LogLaneError(_logger, turn.Id, e.Message);
                    Statistics.Failed();
                }
                finally
                {
                    _assignment.Done(turn.UserId);
                }
            }
        }
    }

    private async Task DeliverAsync(Turn turn)
    {
        var entry = await _journal.TryClaimAsync(turn.Id, _owner, _delivering.Lease, _stop.Token);
        if (entry is null)
        {
            // Synced already, leased elsewhere, or behind an earlier pending turn of its user: the sweeper keeps the order.
            Statistics.Deferred();
            return;
        }
        var outcome = await _delivery.DeliverAsync(entry, _owner, _quickRetries, _delivering.SweepMaxRetries, _stop.Token);
        switch (outcome)
        {
            case DeliveryOutcome.Synced:
                Statistics.Synced(_time.GetUtcNow() - turn.Timestamp);
                if (Interlocked.Exchange(ref _failing, 0) == 1)
                {
                    LogBack(_logger);
                    _memobaseBack?.Invoke();
                }
                break;
            case DeliveryOutcome.Paused:
                Interlocked.Exchange(ref _pausedUntil, (_time.GetUtcNow() + _delivering.ConfigurationPause).ToUnixTimeMilliseconds());
                Interlocked.Exchange(ref _failing, 1);
                LogPaused(_logger, _delivering.ConfigurationPause.TotalSeconds);
                Statistics.Deferred();
                break;
            case DeliveryOutcome.Dead:
                Statistics.Dead();
                break;
            default:
                Interlocked.Exchange(ref _failing, 1);
                Statistics.Failed();
                break;
        }
    }

    /// <summary>Stops taking turns, lets the queue drain for <see cref="WorkerOptions.DrainTimeout"/>, and leaves the rest pending.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }
        try
        {
            await Task.WhenAll(_running).WaitAsync(_options.DrainTimeout, _time);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_running);
        }
        _stop.Dispose();
        Statistics.Dispose();
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Memobase refused the token or URL: real-time delivery paused for {Seconds} s; turns wait in the journal, no retry is charged")]
    private static partial void LogPaused(ILogger logger, double seconds);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Memobase is back: waking the sweeper")]
    private static partial void LogBack(ILogger logger);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Turn {TurnId} left to the sweeper: {Reason}")]
    private static partial void LogLaneError(ILogger logger, Guid turnId, string reason);
}
