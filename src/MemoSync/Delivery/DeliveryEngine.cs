using System.Collections.Concurrent;
using System.Threading.Channels;
using MemoSync.Journal;
using Microsoft.Extensions.Logging;

namespace MemoSync.Delivery;

/// <summary>
/// The one delivery engine of a process. The journal is the queue: a turn recorded here is appended with this engine's
/// lease and handed over in memory (<see cref="RecordAsync"/>), and due turns of any process are claimed in batches. Users
/// go side by side, <see cref="DeliveryOptions.Lanes"/> at a time; a user's turns one at a time, in order. When more turns
/// come than it holds, they wait in the journal and are pulled as soon as there is room; a failed turn is due again at
/// its backoff, and the engine wakes then. It learns of turns recorded elsewhere from the journal's change signal, and
/// looks anyway every <see cref="DeliveryOptions.SyncInterval"/>. A failure of a cycle is logged, counted and backed off;
/// only a journal that is damaged stops it (<see cref="Fatal"/>).
/// </summary>
public sealed partial class DeliveryEngine : IAsyncDisposable
{
    private static readonly TimeSpan LongestBackOff = TimeSpan.FromSeconds(30);

    private readonly IDialogueJournal _journal;
    private readonly TurnDelivery _delivery;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<string>? _onFatal;
    private readonly Channel<Signal> _inbox = Channel.CreateUnbounded<Signal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HeldTurns _held = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly List<Guid> _toHandBack = [];
    // Turns taken and not yet settled, with when: one handed back and claimed again is counted once.
    private readonly Dictionary<Guid, DateTimeOffset> _taken = [];
    private int _forgetAbove;
    // The turns in flight, readable from any thread for State: the loop's own bookkeeping (HeldTurns) takes no lock.
    private readonly ConcurrentDictionary<Guid, InFlightTurn> _inFlight = new();
    private Task _loop = Task.CompletedTask;
    private Task _watch = Task.CompletedTask;
    private int _load;
    private long _knownSeq;
    private volatile bool _draining;
    private bool _claimWanted = true;
    // The last claim left pending turns behind (waiting for a backoff, or behind a user's earlier turn).
    private bool _leftBehind;
    private DateTimeOffset _lookAt, _renewAt, _quietUntil, _pausedUntil;
    private bool _failing;
    private int _cycleFailures;
    private string? _lastError;
    private volatile string? _fatal;
    private volatile JournalUnavailableException? _damagedSeenByWatch;

    /// <summary>Creates the engine; <see cref="Start"/> starts it. <paramref name="onFatal"/> is told when the journal is damaged and the engine stopped.</summary>
    public DeliveryEngine(IDialogueJournal journal, TurnDelivery delivery, DeliveryOptions options, TimeProvider time, ILogger<DeliveryEngine> logger,
        Action<string>? onFatal = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _journal = journal;
        _delivery = delivery;
        _options = options;
        _time = time;
        _logger = logger;
        _onFatal = onFatal;
        Owner = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
    }

    /// <summary>Who this engine's leases are held by: host, process, and a random part.</summary>
    public string Owner { get; }

    /// <summary>Counts and latencies, for the table at exit and for metrics; readable after <see cref="DrainAsync"/>.</summary>
    public SyncStatistics Statistics { get; } = new();

    /// <summary>True while delivery is paused because Memobase refused the token or URL.</summary>
    public bool IsPaused => _time.GetUtcNow() < _pausedUntil;

    /// <summary>Until when delivery is paused because Memobase refused the configuration; null while it is not.</summary>
    public DateTimeOffset? PausedUntil => IsPaused ? _pausedUntil : null;

    /// <summary>Why the engine stopped for good (the journal is damaged), or null while it runs.</summary>
    public string? Fatal => _fatal;

    /// <summary>Turns held: waiting for a lane, or in flight.</summary>
    public int Held => Volatile.Read(ref _load);

    private TurnLease Lease => new(Owner, _options.Lease);

    /// <summary>What the engine is doing now: lanes, turns held and in flight, paused or failing, and why it stopped.</summary>
    public EngineState State => new(Owner, _options.Lanes, Held, _inFlight.Values.OrderBy(t => t.Since).ToList(),
        IsPaused ? _pausedUntil : null, Volatile.Read(ref _failing), _draining, _fatal);

    /// <summary>Starts the loop and the watch for turns recorded by other processes.</summary>
    public void Start()
    {
        _loop = Task.Run(RunAsync);
        _watch = Task.Run(WatchAsync);
    }

    /// <summary>
    /// Records a finished turn durably and hands it to the engine, which delivers it at once when a lane is free. Never
    /// waits for delivery; when the engine holds its fill (or is stopping), the turn waits in the journal and is pulled
    /// as soon as there is room.
    /// </summary>
    /// <exception cref="TurnRejectedException">The turn is invalid; nothing was written.</exception>
    /// <exception cref="JournalUnavailableException">The journal cannot be written; the turn was not recorded.</exception>
    public async Task RecordAsync(Turn turn, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (!TryReserve())
        {
            await _journal.AppendAsync(turn, ct);
            Statistics.Deferred();
            Post(Signal.Wake);
            return;
        }
        var leasedAt = _time.GetUtcNow();
        long? seq;
        try
        {
            seq = await _journal.AppendLeasedAsync(turn, Lease, ct);
        }
        catch
        {
            Interlocked.Decrement(ref _load);
            throw;
        }
        // Known before the change signal can see it, so that it does not wake the engine for a turn it holds.
        Known(seq ?? 0);
        if (seq is not { } place)
        {
            // An earlier turn of its user is someone else's: it waits behind that one, and is claimed in its turn.
            Interlocked.Decrement(ref _load);
            Post(Signal.Wake);
            return;
        }
        var entry = new JournalEntry(turn, TurnState.Pending, 0, leasedAt, null, leasedAt + _options.Lease, null, null) { Seq = place, RecordedAt = leasedAt };
        Post(new Signal(SignalKind.Offered, entry));
    }

    /// <summary>Counts a turn about to be held; false when the engine holds its fill or is stopping.</summary>
    private bool TryReserve()
    {
        if (_draining)
        {
            return false;
        }
        if (Interlocked.Increment(ref _load) <= _options.MaxHeld)
        {
            return true;
        }
        Interlocked.Decrement(ref _load);
        return false;
    }

    /// <summary>Raises the last place in the journal this engine knows of to <paramref name="seq"/>.</summary>
    private void Known(long seq)
    {
        var known = Interlocked.Read(ref _knownSeq);
        while (seq > known && Interlocked.CompareExchange(ref _knownSeq, seq, known) != known)
        {
            known = Interlocked.Read(ref _knownSeq);
        }
    }

    /// <summary>Looks in the journal now instead of at the next due time (after a requeue, say).</summary>
    public void WakeUp() => Post(Signal.Wake);

    private void Post(Signal signal)
    {
        if (!_inbox.Writer.TryWrite(signal) && signal.Kind == SignalKind.Offered)
        {
            // Stopped: the turn is leased to an engine that is gone; its lease runs out and another process takes it.
            Interlocked.Decrement(ref _load);
        }
    }

    // ---- the loop: one thread of control owns what is held

    private async Task RunAsync()
    {
        _lookAt = _renewAt = _time.GetUtcNow();
        while (true)
        {
            try
            {
                if (_damagedSeenByWatch is { } damaged)
                {
                    throw damaged;
                }
                await HandBackAsync();
                Absorb();
                if (_draining && (_held.Count == 0 || _abort.IsCancellationRequested && _held.InFlight == 0))
                {
                    // Drained, or cut short: what was not delivered goes back to the journal for any owner to take at once.
                    _toHandBack.AddRange(_held.ReleaseWaiting());
                    Interlocked.Exchange(ref _load, 0);
                    await HandBackAsync();
                    _inbox.Writer.TryComplete();
                    return;
                }
                // Lanes freed by what was settled start at once, not after the renewal's or claim's commit.
                StartDeliveries();
                await RenewIfDueAsync();
                await ClaimIfDueAsync();
                StartDeliveries();
                _cycleFailures = 0;
            }
            catch (JournalUnavailableException e) when (e.IsDamaged)
            {
                _fatal = e.Message;
                LogFatal(_logger, e.Message);
                Abandon();
                _onFatal?.Invoke(e.Message);
                return;
            }
#pragma warning disable CA1031 // The engine's supervisor: whatever failed, it is logged and counted, and the engine goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Supervise(e);
                if (_abort.IsCancellationRequested && _held.InFlight == 0)
                {
                    // Cut short and the journal failing: the leases of what is left run out, and another owner takes it.
                    Abandon();
                    return;
                }
            }
            await WaitAsync();
        }
    }

    /// <summary>One failed cycle: logged when it says something new, counted, and claims and renewals backed off, doubling to 30 s.</summary>
    private void Supervise(Exception e)
    {
        Statistics.CycleFailed();
        _cycleFailures++;
        var wait = TimeSpan.FromSeconds(Math.Min(LongestBackOff.TotalSeconds, Math.Pow(2, Math.Min(_cycleFailures, 10) - 1)));
        _quietUntil = _time.GetUtcNow() + wait;
        if (e.Message != _lastError)
        {
            _lastError = e.Message;
            LogCycleFailed(_logger, e, wait.TotalSeconds, e.Message);
        }
    }

    /// <summary>Leaves what is held to the leases' expiry: the journal cannot be told.</summary>
    private void Abandon()
    {
        _held.ReleaseWaiting();
        Interlocked.Exchange(ref _load, 0);
        _inbox.Writer.TryComplete();
    }

    private void Absorb()
    {
        while (_inbox.Reader.TryRead(out var signal))
        {
            switch (signal.Kind)
            {
                case SignalKind.Wake:
                    _claimWanted = true;
                    break;
                case SignalKind.Offered:
                    Take(signal.Entry!);
                    _held.Add(signal.Entry!, signal.Entry!.LeaseUntil!.Value);
                    break;
                case SignalKind.Delivered:
                    Settle(signal.Held!, signal.Outcome);
                    break;
            }
        }
    }

    private void Settle(HeldTurn held, DeliveryOutcome? outcome)
    {
        var now = _time.GetUtcNow();
        if (outcome is { } settled)
        {
            LogTurn(_logger, held.Entry.Turn.Id, held.Entry.Turn.Messages.Count, held.Entry.RetryCount + 1, settled);
        }
        switch (outcome)
        {
            case DeliveryOutcome.Synced:
                Statistics.Synced(now - held.Entry.RecordedAt, now);
                if (_failing)
                {
                    _failing = false;
                    _claimWanted = true;
                    LogBack(_logger);
                }
                break;
            case DeliveryOutcome.Dead:
                Statistics.Dead();
                break;
            case DeliveryOutcome.Retrying:
                Statistics.Failed();
                // Only quick attempts that all failed say Memobase is down; a slow retry failing once more says little.
                _failing |= held.Quick;
                break;
            case DeliveryOutcome.Paused:
                _pausedUntil = now + _options.ConfigurationPause;
                LogPaused(_logger, _options.ConfigurationPause.TotalSeconds);
                break;
        }
        var goesOn = outcome is DeliveryOutcome.Synced or DeliveryOutcome.Dead;
        if (goesOn || outcome is DeliveryOutcome.LeaseLost)
        {
            _taken.Remove(held.Entry.Turn.Id);
        }
        if (goesOn)
        {
            // Turns of this user may have waited in the journal behind this one: they are due now, not at the next look.
            _claimWanted |= _leftBehind;
        }
        var dropped = _held.Finish(held, goesOn);
        if (outcome is DeliveryOutcome.Untried or null)
        {
            // Not sent, or not settled: it stays pending, and any owner may take it at once.
            _toHandBack.Add(held.Entry.Turn.Id);
        }
        _toHandBack.AddRange(dropped);
        Interlocked.Add(ref _load, -1 - dropped.Count);
        held.Abort.Dispose();
    }

    /// <summary>
    /// Counts a turn the engine took, once however often it comes back before it is settled. A turn left to be retried
    /// that another engine settles is never settled here: what was taken longer ago than a turn can wait between two
    /// attempts is forgotten, so the set holds the turns of one backoff at most.
    /// </summary>
    private void Take(JournalEntry entry)
    {
        var now = _time.GetUtcNow();
        if (_taken.TryAdd(entry.Turn.Id, now))
        {
            Statistics.Taken(1);
        }
        if (_taken.Count > Math.Max(_forgetAbove, 2 * _options.MaxHeld))
        {
            var forgotten = now - _options.MaxBackoff - _options.Lease;
            foreach (var (id, at) in _taken)
            {
                if (at < forgotten)
                {
                    _taken.Remove(id);
                }
            }
            // Looked at again only once the set has doubled: a long outage's many turns cost a pass now and then, not one per take.
            _forgetAbove = 2 * _taken.Count;
        }
    }

    private async Task HandBackAsync()
    {
        if (_toHandBack.Count == 0)
        {
            return;
        }
        var ids = _toHandBack.ToList();
        // Cleared first: if the journal fails now, these leases run out instead, and another owner takes the turns then.
        _toHandBack.Clear();
        await _journal.UnleaseAsync(ids, Owner, CancellationToken.None);
    }

    private async Task RenewIfDueAsync()
    {
        var now = _time.GetUtcNow();
        if (now < _renewAt || now < _quietUntil)
        {
            return;
        }
        if (_held.Count > 0)
        {
            await RenewAsync(now);
        }
        _renewAt = now + _options.Lease / 3;
    }

    private async Task RenewAsync(DateTimeOffset now)
    {
        var kept = await _journal.RenewAsync(_held.Ids.ToList(), Lease, CancellationToken.None);
        var before = _held.Count;
        foreach (var lost in _held.Renewed(kept, now + _options.Lease))
        {
            await lost.Abort.CancelAsync();
        }
        Interlocked.Add(ref _load, _held.Count - before);
    }

    private async Task ClaimIfDueAsync()
    {
        var now = _time.GetUtcNow();
        if (!(_claimWanted || now >= _lookAt) || _draining || IsPaused || now < _quietUntil || !HasRoom())
        {
            return;
        }
        _claimWanted = false;
        var room = _options.MaxHeld - Volatile.Read(ref _load);
        var claimed = await _journal.ClaimDueAsync(Math.Min(room, _options.ClaimBatch), Lease, CancellationToken.None);
        var leaseEnds = now + _options.Lease;
        var taken = 0;
        foreach (var entry in claimed.Turns.Where(entry => _held.Add(entry, leaseEnds)))
        {
            Take(entry);
            taken++;
        }
        if (taken > 0)
        {
            LogFound(_logger, taken);
        }
        Interlocked.Add(ref _load, taken);
        Known(claimed.Turns.Count > 0 ? claimed.Turns.Max(e => e.Seq) : 0);
        var interval = now + _options.SyncInterval;
        _lookAt = claimed.NextDue is { } due && due < interval ? due : interval;
        // More turns are due than one claim took: come back as soon as there is room.
        _claimWanted = claimed.NextDue is { } next && next <= now;
        _leftBehind = claimed.NextDue is not null;
    }

    private void StartDeliveries()
    {
        if (IsPaused || _abort.IsCancellationRequested)
        {
            return;
        }
        while (_held.InFlight < _options.Lanes && _held.TryStartNext(out var held))
        {
            // Quick attempts for a turn's first delivery while Memobase answers; a slow retry, or any turn while it fails, gets one.
            held.Quick = !_failing && held.Entry.RetryCount == 0;
            _inFlight[held.Entry.Turn.Id] = new InFlightTurn(held.Entry.Turn.Id, held.Entry.Turn.UserId, held.Entry.RetryCount + 1, _time.GetUtcNow());
            _ = DeliverAsync(held);
        }
    }

    private async Task DeliverAsync(HeldTurn held)
    {
        DeliveryOutcome? outcome = null;
        try
        {
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, held.Abort.Token);
            outcome = await _delivery.DeliverAsync(held.Entry, Owner, held.Quick, () => held.LeaseEnds, Statistics, abort.Token);
        }
#pragma warning disable CA1031 // Whatever went wrong, the turn stays pending and the loop hears of it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Statistics.CycleFailed();
            LogDeliveryFailed(_logger, e, held.Entry.Turn.Id, e.Message);
        }
        _inFlight.TryRemove(held.Entry.Turn.Id, out _);
        _inbox.Writer.TryWrite(new Signal(SignalKind.Delivered, held.Entry, held, outcome));
    }

    /// <summary>Sleeps until a signal comes, or the next thing falls due: a claim, a renewal, the end of a pause or a back-off.</summary>
    private async Task WaitAsync()
    {
        var now = _time.GetUtcNow();
        var claimAt = _draining || !HasRoom() ? DateTimeOffset.MaxValue : Latest(_claimWanted ? now : _lookAt, _quietUntil, _pausedUntil);
        var renewAt = _held.Count > 0 ? Latest(_renewAt, _quietUntil, now) : DateTimeOffset.MaxValue;
        var resumeAt = _held.Count > 0 && IsPaused ? _pausedUntil : DateTimeOffset.MaxValue;
        var until = new[] { claimAt, renewAt, resumeAt }.Min();
        if (until <= now)
        {
            return;
        }
        using var timer = until == DateTimeOffset.MaxValue ? new CancellationTokenSource() : new CancellationTokenSource(until - now, _time);
        try
        {
            await _inbox.Reader.WaitToReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            // Time for what fell due.
        }
    }

    private static DateTimeOffset Latest(params DateTimeOffset[] times) => times.Max();

    /// <summary>Room for a claim: while much is held, it waits for room for a good batch rather than claim a few turns at a time.</summary>
    private bool HasRoom()
    {
        var room = _options.MaxHeld - Volatile.Read(ref _load);
        return room > 0 && (room >= _options.ClaimBatch / 2 || _held.Count == 0);
    }

    /// <summary>Turns recorded by other processes wake the engine within the journal's change signal's delay.</summary>
    private async Task WatchAsync()
    {
        var after = 0L;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                after = await _journal.WaitForNewTurnsAsync(after, () => Interlocked.Read(ref _knownSeq), _stop.Token);
                Post(Signal.Wake);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (JournalUnavailableException e) when (e.IsDamaged)
            {
                // The loop stops the engine on it; the watch has nothing left to watch.
                _damagedSeenByWatch = e;
                Post(Signal.Wake);
                return;
            }
#pragma warning disable CA1031 // The signal is a shortcut: without it, the engine still looks every sync interval.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogWatchFailed(_logger, e.Message);
                await Task.Delay(LongestBackOff, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Stops taking turns and claiming, delivers what it holds for <see cref="DeliveryOptions.DrainTimeout"/> (then cuts
    /// deliveries short: a cut request is recorded as a lost answer), writes every outcome known, and hands the turns left
    /// back to the journal untried, so any process may take them at once. <see cref="Statistics"/> stays readable.
    /// </summary>
    public async Task DrainAsync()
    {
        _draining = true;
        Post(Signal.Wake);
        try
        {
            await _loop.WaitAsync(_options.DrainTimeout, _time);
        }
        catch (TimeoutException)
        {
            await _abort.CancelAsync();
            Post(Signal.Wake);
            await _loop;
        }
        _inbox.Writer.TryComplete();
        await _stop.CancelAsync();
        await _watch;
    }

    /// <summary>Drains, then frees what the engine holds.</summary>
    public async ValueTask DisposeAsync()
    {
        await DrainAsync();
        _stop.Dispose();
        _abort.Dispose();
        Statistics.Dispose();
    }

    private enum SignalKind
    {
        Wake,
        Offered,
        Delivered,
    }

    private sealed record Signal(SignalKind Kind, JournalEntry? Entry = null, HeldTurn? Held = null, DeliveryOutcome? Outcome = null)
    {
        public static readonly Signal Wake = new(SignalKind.Wake);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Found {Count} unsynced turns, delivering...")]
    private static partial void LogFound(ILogger logger, int count);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "  turn {TurnId} ({Messages} messages), attempt {Attempt}: {Outcome}")]
    private static partial void LogTurn(ILogger logger, Guid turnId, int messages, int attempt, DeliveryOutcome outcome);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Memobase refused the token or URL: delivery paused for {Seconds} s; turns wait in the journal, no retry is charged")]
    private static partial void LogPaused(ILogger logger, double seconds);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Memobase is back: delivering what waited")]
    private static partial void LogBack(ILogger logger);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Delivery cycle failed, backing off {Seconds} s and going on: {Reason}")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception, double seconds, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Delivery of turn {TurnId} failed unexpectedly; it stays pending: {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, Guid turnId, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "The journal's change signal failed; turns of other processes are found at the sync interval meanwhile: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Critical, Message = "Delivery stopped: {Reason}")]
    private static partial void LogFatal(ILogger logger, string reason);
}
