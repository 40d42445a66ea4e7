using System.Diagnostics.Metrics;
using MemoSync.Journal;
using MemoSync.Delivery;

namespace MemoSync.Operations;

/// <summary>
/// The journal's gauges on <see cref="Meter"/> <c>MemoSync</c>: pending turns, dead turns, the oldest
/// pending turn's age. A scrape reads the last counts at once and, when they are older than
/// <see cref="MaxAge"/>, starts one refresh in the background, so scrapes never wait on the journal and never
/// query it more than once per <see cref="MaxAge"/>.
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

    private JournalStatus? _status;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private int _refreshing;

    /// <summary>The last counts read (null before the first), refreshing them in the background when stale.</summary>
    public JournalStatus? Read()
    {
        if (_time.GetUtcNow() - _readAt >= MaxAge && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = Task.Run(RefreshAsync);
        }
        return Volatile.Read(ref _status);
    }

    /// <summary>How long the oldest pending turn has waited; zero when none is pending.</summary>
    public TimeSpan OldestPendingAge() => Read()?.OldestPending is { } oldest ? _time.GetUtcNow() - oldest : TimeSpan.Zero;

    /// <summary>Reads the counts now.</summary>
    public async Task RefreshAsync()
    {
        try
        {
            Volatile.Write(ref _status, await _journal.GetStatusAsync(0));
            _readAt = _time.GetUtcNow();
        }
        catch (JournalUnavailableException)
        {
            // The gauges keep their last values; the watchdog and the logs report a journal that does not answer.
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
