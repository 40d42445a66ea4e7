using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace MemoSync.Delivery;

/// <summary>
/// The real-time worker's counts and latencies: printed as the guide's table at exit and published
/// through <see cref="Meter"/> <c>MemoSync</c> for any metrics exporter.
/// </summary>
public sealed class SyncStatistics : IDisposable
{
    /// <summary>The meter's name, for an exporter's <c>AddMeter</c>.</summary>
    public const string MeterName = "MemoSync";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _synced;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _deferred;
    private readonly Counter<long> _dead;
    private readonly Histogram<double> _latency;
    private readonly Lock _gate = new();
    private readonly List<double> _latencies = [];
    private long _enqueuedCount, _syncedCount, _failedCount, _deferredCount, _deadCount;

    /// <summary>Creates the instruments.</summary>
    public SyncStatistics()
    {
        _enqueued = _meter.CreateCounter<long>("memosync.turns.enqueued", description: "Turns offered to the real-time worker");
        _synced = _meter.CreateCounter<long>("memosync.turns.synced", description: "Turns the real-time worker delivered");
        _failed = _meter.CreateCounter<long>("memosync.turns.failed", description: "Turns left to the sweeper after quick retries");
        _deferred = _meter.CreateCounter<long>("memosync.turns.deferred", description: "Turns not queued (queue full, or delivery paused); the sweeper delivers them");
        _dead = _meter.CreateCounter<long>("memosync.turns.dead", description: "Turns given up on");
        _latency = _meter.CreateHistogram<double>("memosync.turns.latency", "ms", "From recorded to synced");
    }

    internal void Enqueued() { Interlocked.Increment(ref _enqueuedCount); _enqueued.Add(1); }

    internal void Deferred() { Interlocked.Increment(ref _deferredCount); _deferred.Add(1); }

    internal void Failed() { Interlocked.Increment(ref _failedCount); _failed.Add(1); }

    internal void Dead() { Interlocked.Increment(ref _deadCount); _dead.Add(1); }

    internal void Synced(TimeSpan latency)
    {
        Interlocked.Increment(ref _syncedCount);
        _synced.Add(1);
        _latency.Record(latency.TotalMilliseconds);
        lock (_gate)
        {
            _latencies.Add(latency.TotalMilliseconds);
        }
    }

    /// <summary>Turns offered to the worker.</summary>
    public long EnqueuedCount => Interlocked.Read(ref _enqueuedCount);

    /// <summary>Turns delivered by the worker.</summary>
    public long SyncedCount => Interlocked.Read(ref _syncedCount);

    /// <summary>Turns left to the sweeper after quick retries.</summary>
    public long FailedCount => Interlocked.Read(ref _failedCount);

    /// <summary>Turns not queued: the queue was full or delivery paused.</summary>
    public long DeferredCount => Interlocked.Read(ref _deferredCount);

    /// <summary>Turns given up on.</summary>
    public long DeadCount => Interlocked.Read(ref _deadCount);

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
