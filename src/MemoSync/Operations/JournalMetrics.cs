using System.Diagnostics.Metrics;

namespace MemoSync.Operations;

/// <summary>
/// The daemon's instruments on <see cref="Meter"/> <c>MemoSync.Operations</c>, whoever delivers (worker or sweeper):
/// turns recorded, delivered, failed (a retry charged) and dead, and the recorded→delivered latency.
/// <see cref="JournalGauges"/> adds the journal's gauges to the same meter name.
/// </summary>
public sealed class JournalMetrics : IDisposable
{
    /// <summary>The meter's name, for an exporter's <c>AddMeter</c>.</summary>
    public const string MeterName = "MemoSync.Operations";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _recorded;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _dead;
    private readonly Histogram<double> _latency;

    /// <summary>Creates the instruments.</summary>
    public JournalMetrics()
    {
        _recorded = _meter.CreateCounter<long>("memosync.journal.recorded", description: "Turns appended to the journal by this process");
        _delivered = _meter.CreateCounter<long>("memosync.delivery.delivered", description: "Turns Memobase accepted (real-time worker and sweeper)");
        _failed = _meter.CreateCounter<long>("memosync.delivery.failed", description: "Failed delivery attempts that charged a retry; the turn is due again later");
        _dead = _meter.CreateCounter<long>("memosync.delivery.dead", description: "Turns given up on (refused by Memobase, or retries exhausted)");
        _latency = _meter.CreateHistogram<double>("memosync.delivery.latency", "ms", "From recorded to delivered");
    }

    internal void Recorded(int turns) => _recorded.Add(turns);

    internal void Delivered(TimeSpan latency)
    {
        _delivered.Add(1);
        _latency.Record(latency.TotalMilliseconds);
    }

    internal void Failed() => _failed.Add(1);

    internal void Dead() => _dead.Add(1);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
