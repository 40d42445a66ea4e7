using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace MemoSync.Delivery;

/// <summary>
/// The delivery engine's counts and latencies: printed as the guide's table at exit and published through
/// <see cref="Meter"/> <c>MemoSync</c>, the one delivery meter, for any metrics exporter.
/// </summary>
public sealed class SyncStatistics : IDisposable
{
    /// <summary>The meter's name, for an exporter's <c>AddMeter</c>.</summary>
    public const string MeterName = "MemoSync";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _taken, _synced, _failed, _deferred, _dead, _unknown, _verified, _errors;
    private readonly Histogram<double> _latency;
    private readonly Lock _gate = new();
    private readonly List<double> _latencies = [];
    private long _takenCount, _syncedCount, _failedCount, _deferredCount, _deadCount, _unknownCount, _verifiedCount, _errorCount;

    /// <summary>Creates the instruments.</summary>
    public SyncStatistics()
    {
        _taken = _meter.CreateCounter<long>("memosync.delivery.taken", description: "Turns the delivery engine took to deliver: recorded here, or claimed from the journal");
        _synced = _meter.CreateCounter<long>("memosync.delivery.synced", description: "Turns Memobase accepted");
        _failed = _meter.CreateCounter<long>("memosync.delivery.failed", description: "Deliveries that failed; the turn is due again later");
        _deferred = _meter.CreateCounter<long>("memosync.delivery.deferred", description: "Turns recorded while the engine held its fill: they waited in the journal until there was room");
        _dead = _meter.CreateCounter<long>("memosync.delivery.dead", description: "Turns given up on (refused by Memobase, or retries exhausted)");
        _unknown = _meter.CreateCounter<long>("memosync.delivery.unknown_outcomes", description: "Attempts whose answer was lost: the blob is looked for before the turn is sent again");
        _verified = _meter.CreateCounter<long>("memosync.delivery.found", description: "Turns found stored in Memobase after a lost answer, and not sent again");
        _errors = _meter.CreateCounter<long>("memosync.delivery.errors", description: "Delivery cycles that failed (the journal unavailable, say); the engine backed off and went on");
        _latency = _meter.CreateHistogram<double>("memosync.delivery.latency", "s", "From recorded in the journal to synced");
    }

    internal void Taken(int turns) { Interlocked.Add(ref _takenCount, turns); _taken.Add(turns); }

    internal void Deferred() { Interlocked.Increment(ref _deferredCount); _deferred.Add(1); }

    internal void Failed() { Interlocked.Increment(ref _failedCount); _failed.Add(1); }

    internal void Dead() { Interlocked.Increment(ref _deadCount); _dead.Add(1); }

    internal void OutcomeUnknown() { Interlocked.Increment(ref _unknownCount); _unknown.Add(1); }

    internal void Verified() { Interlocked.Increment(ref _verifiedCount); _verified.Add(1); }

    internal void CycleFailed() { Interlocked.Increment(ref _errorCount); _errors.Add(1); }

    internal void Synced(TimeSpan latency, DateTimeOffset at)
    {
        History.Record(at, latency);
        Interlocked.Increment(ref _syncedCount);
        _synced.Add(1);
        _latency.Record(latency.TotalSeconds);
        lock (_gate)
        {
            _latencies.Add(latency.TotalMilliseconds);
        }
    }

    /// <summary>Deliveries of the last hour, minute by minute.</summary>
    public DeliveryHistory History { get; } = new();

    /// <summary>Turns the engine took: recorded by this process, or claimed from the journal.</summary>
    public long EnqueuedCount => Interlocked.Read(ref _takenCount);

    /// <summary>Turns delivered.</summary>
    public long SyncedCount => Interlocked.Read(ref _syncedCount);

    /// <summary>Deliveries that failed and left their turn due again later.</summary>
    public long FailedCount => Interlocked.Read(ref _failedCount);

    /// <summary>Turns recorded while the engine held its fill: they waited in the journal, and were pulled once there was room.</summary>
    public long DeferredCount => Interlocked.Read(ref _deferredCount);

    /// <summary>Turns given up on.</summary>
    public long DeadCount => Interlocked.Read(ref _deadCount);

    /// <summary>Attempts whose answer was lost.</summary>
    public long UnknownOutcomeCount => Interlocked.Read(ref _unknownCount);

    /// <summary>Turns found stored after a lost answer, and so not sent again.</summary>
    public long VerifiedCount => Interlocked.Read(ref _verifiedCount);

    /// <summary>Delivery cycles that failed and were backed off.</summary>
    public long ErrorCount => Interlocked.Read(ref _errorCount);

    /// <summary>A recorded→synced latency percentile in milliseconds, or null before the first delivery.</summary>
    public double? LatencyPercentile(double p)
    {
        lock (_gate)
        {
            if (_latencies.Count == 0)
            {
                return null;
            }
            var sorted = _latencies.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }

    /// <summary>The guide's statistics table.</summary>
    public string ToTable()
    {
        var rate = EnqueuedCount == 0 ? 0 : 100.0 * SyncedCount / EnqueuedCount;
        var table = new StringBuilder()
            .AppendLine("Memobase real-time sync statistics")
            .AppendLine("──────────────────────────────────────")
            .AppendLine(CultureInfo.InvariantCulture, $"  enqueued:        {EnqueuedCount}")
            .AppendLine(CultureInfo.InvariantCulture, $"  synced:          {SyncedCount}")
            .AppendLine(CultureInfo.InvariantCulture, $"  failed:          {FailedCount}")
            .AppendLine(CultureInfo.InvariantCulture, $"  deferred:        {DeferredCount}")
            .AppendLine(CultureInfo.InvariantCulture, $"  dead:            {DeadCount}")
            .AppendLine(CultureInfo.InvariantCulture, $"  lost answers:    {UnknownOutcomeCount} ({VerifiedCount} found stored)")
            .AppendLine(CultureInfo.InvariantCulture, $"  success rate:    {rate:0.0}%");
        if (LatencyPercentile(50) is { } p50)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"  latency p50/p95/p99: {p50:0.0} / {LatencyPercentile(95):0.0} / {LatencyPercentile(99):0.0} ms");
        }
        return table.Append("══════════════════════════════════════").ToString();
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
