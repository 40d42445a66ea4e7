using System.Diagnostics.Metrics;
using MemoSync.Journal;
using MemoSync.Delivery;

namespace MemoSync.Operations;

/// <summary>
/// The journal's gauges on <see cref="Meter"/> <c>MemoSync</c>: pending turns, dead turns, the oldest
/// pending turn's age, as the journal holds them when they are scraped. Counts younger than <see cref="MaxAge"/> are
/// shown as they are, so scrapes close together query the journal once; older ones are read again, the scrape waiting
/// at most <see cref="ReadTimeout"/> before it shows the last counts (a journal that does not answer never stops a scrape).
/// </summary>
public sealed class JournalGauges : IDisposable
{
    private readonly Meter _meter = new(SyncStatistics.MeterName);
    private readonly IDialogueJournal _journal;
    private readonly TimeProvider _time;

    /// <summary>Creates the gauges on <paramref name="journal"/>.</summary>
    public JournalGauges(IDialogueJournal journal, TimeProvider time)
    {
        _journal = journal;
        _time = time;
        _meter.CreateObservableGauge("memosync.journal.pending", () => Read()?.Pending ?? 0, description: "Turns not yet delivered");
        _meter.CreateObservableGauge("memosync.journal.dead_turns", () => Read()?.Dead ?? 0, description: "Dead turns waiting for a person (memosync requeue)");
        _meter.CreateObservableGauge("memosync.journal.oldest_pending_age", () => OldestPendingAge().TotalSeconds, "s",
            "Age of the oldest pending turn; 0 when none is pending");
    }

    /// <summary>How old the counts may be before a read refreshes them. Default 1 s.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a read waits for fresh counts before it takes the last ones. Default 2 s.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private JournalStatus? _status;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private Task _refresh = Task.CompletedTask;

    /// <summary>The journal's counts, read again when older than <see cref="MaxAge"/>; null while it has never answered.</summary>
    public JournalStatus? Read()
    {
        Task refresh;
        lock (_gate)
        {
            if (_time.GetUtcNow() - _readAt >= MaxAge && _refresh.IsCompleted)
            {
                _refresh = Task.Run(RefreshAsync);
            }
            refresh = _refresh;
        }
        // Waited on without rethrowing: a refresh reports its own failures, and the last counts stand.
        ((IAsyncResult)refresh).AsyncWaitHandle.WaitOne(ReadTimeout);
        return Volatile.Read(ref _status);
    }

    /// <summary>How long the oldest pending turn has waited; zero when none is pending.</summary>
    public TimeSpan OldestPendingAge() => Read()?.OldestPending is { } oldest ? _time.GetUtcNow() - oldest : TimeSpan.Zero;

    private async Task RefreshAsync()
    {
        try
        {
            Volatile.Write(ref _status, await _journal.GetStatusAsync(0));
            lock (_gate)
            {
                _readAt = _time.GetUtcNow();
            }
        }
        catch (JournalUnavailableException)
        {
            // The gauges keep their last values; the watchdog and the logs report a journal that does not answer.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
