namespace MemoSync.Delivery;

/// <summary>
/// Deliveries of the last hour, minute by minute: how many turns were synced and their recorded→synced latency. Each
/// minute keeps a histogram of latencies in buckets a quarter of an octave wide (1 ms to 9 h), so the memory is fixed
/// (60 × 101 counts) however many turns go through, and a percentile is read within 19% of the true value.
/// </summary>
public sealed class DeliveryHistory
{
    /// <summary>How far back the history reaches.</summary>
    public static readonly TimeSpan Span = TimeSpan.FromHours(1);

    private const int Minutes = 60;
    private const int BucketsPerOctave = 4;
    private const int Buckets = 25 * BucketsPerOctave + 1;

    private readonly Lock _gate = new();
    private readonly long[] _minute = new long[Minutes];
    private readonly int[] _delivered = new int[Minutes];
    private readonly int[,] _latency = new int[Minutes, Buckets];

    /// <summary>Counts a turn synced at <paramref name="at"/> after <paramref name="latency"/>.</summary>
    internal void Record(DateTimeOffset at, TimeSpan latency)
    {
        var minute = at.ToUnixTimeSeconds() / 60;
        var slot = (int)(minute % Minutes);
        var bucket = latency.TotalMilliseconds <= 1 ? 0 : Math.Min(Buckets - 1, (int)Math.Ceiling(Math.Log2(latency.TotalMilliseconds) * BucketsPerOctave));
        lock (_gate)
        {
            if (_minute[slot] != minute)
            {
                // The slot held a minute an hour or more ago: it starts again.
                _minute[slot] = minute;
                _delivered[slot] = 0;
                for (var b = 0; b < Buckets; b++)
                {
                    _latency[slot, b] = 0;
                }
            }
            _delivered[slot]++;
            _latency[slot, bucket]++;
        }
    }

    /// <summary>The 60 minutes up to <paramref name="now"/>'s, oldest first; a minute with no delivery has no latency.</summary>
    public IReadOnlyList<DeliveryMinute> LastHour(DateTimeOffset now)
    {
        var current = now.ToUnixTimeSeconds() / 60;
        var minutes = new DeliveryMinute[Minutes];
        var counts = new int[Buckets];
        lock (_gate)
        {
            for (var i = 0; i < Minutes; i++)
            {
                var minute = current - Minutes + 1 + i;
                var slot = (int)(minute % Minutes);
                var start = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
                if (_minute[slot] != minute || _delivered[slot] == 0)
                {
                    minutes[i] = new DeliveryMinute(start, 0, null, null);
                    continue;
                }
                for (var b = 0; b < Buckets; b++)
                {
                    counts[b] = _latency[slot, b];
                }
                minutes[i] = new DeliveryMinute(start, _delivered[slot], Percentile(counts, _delivered[slot], 0.50), Percentile(counts, _delivered[slot], 0.99));
            }
        }
        return minutes;
    }

    /// <summary>The upper bound of the bucket that holds the <paramref name="p"/> quantile.</summary>
    private static TimeSpan Percentile(int[] counts, int total, double p)
    {
        var rank = Math.Max(1, (int)Math.Ceiling(p * total));
        var seen = 0;
        var bucket = 0;
        for (; bucket < Buckets - 1; bucket++)
        {
            seen += counts[bucket];
            if (seen >= rank)
            {
                break;
            }
        }
        return TimeSpan.FromMilliseconds(Math.Pow(2, (double)bucket / BucketsPerOctave));
    }
}
