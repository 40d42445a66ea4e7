namespace MemoSync.Emulator.Faults;

/// <summary>Holds the current <see cref="FaultSettings"/> and draws, per request, which fault to inject.</summary>
internal sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private FaultSettings _settings = new();
    private Random _random = new();

    public FaultInjector(FaultSettings initial) => Settings = initial;

    public FaultSettings Settings
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }
        set
        {
            if (value.Validate() is { } error)
            {
                throw new ArgumentException($"Invalid fault settings: {error}", nameof(value));
            }
            lock (_gate)
            {
                _settings = value;
                _random = value.Seed is { } seed ? new Random(seed) : new Random();
            }
        }
    }

    /// <summary>The fault for one request, and the latency to add before it.</summary>
    public (Fault Fault, TimeSpan Latency, FaultSettings Settings) Draw(bool isBlobInsert)
    {
        lock (_gate)
        {
            var s = _settings;
            var latency = TimeSpan.FromMilliseconds(s.LatencyMaxMs <= s.LatencyMinMs
                ? s.LatencyMinMs
                : _random.Next(s.LatencyMinMs, s.LatencyMaxMs + 1));
            if (s.Outage)
            {
                return (Fault.Drop, latency, s);
            }
            var roll = _random.NextDouble();
            (double Rate, Fault Fault)[] table =
            [
                (s.DropRate, Fault.Drop), (s.Http500Rate, Fault.Http500), (s.Http503Rate, Fault.Http503),
                (s.Http429Rate, Fault.Http429), (s.Errno500Rate, Fault.Errno500), (s.QuotaRate, Fault.Quota),
                (s.NullDataRate, Fault.NullData), (s.ProxyNotFoundRate, Fault.ProxyNotFound),
            ];
            foreach (var (rate, fault) in table)
            {
                if (roll < rate)
                {
                    return (fault, latency, s);
                }
                roll -= rate;
            }
            if (isBlobInsert && roll < s.RejectRate)
            {
                return (Fault.Reject, latency, s);
            }
            var lost = isBlobInsert && _random.NextDouble() < s.LostAnswerRate;
            return (lost ? Fault.LoseAnswer : Fault.None, latency, s);
        }
    }
}
