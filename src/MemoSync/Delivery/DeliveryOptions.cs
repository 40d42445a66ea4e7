namespace MemoSync.Delivery;

/// <summary>How turns are delivered and retried; the defaults are the guide's.</summary>
public sealed record DeliveryOptions
{
    /// <summary>Quick attempts of the real-time path before a turn is left to the sweeper. Default 3 (the guide's <c>max_retries</c>).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first pause between quick attempts, doubled each time, with jitter. Default 2 s (the guide's <c>retry_delay</c>).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Failed sweeps after which a turn is dead. Default 5 (the guide's <c>MAX_RETRIES</c>).</summary>
    public int SweepMaxRetries { get; init; } = 5;

    /// <summary>How often the sweeper looks for due turns. Default 300 s (<c>MEMOBASE_SYNC_INTERVAL</c>).</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// How long a new turn belongs to the real-time worker before the sweeper may take it. Default 30 s:
    /// longer than the worker's quick retries, so the sweeper never races it for a fresh turn.
    /// </summary>
    public TimeSpan RealtimeGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Turns the sweeper claims at a time, oldest first. Default 100.</summary>
    public int SweepBatchSize { get; init; } = 100;

    /// <summary>
    /// Users whose turns a sweep delivers at once (<c>MEMOSYNC_SWEEP_LANES</c>); a user's own turns go one after another,
    /// in order. Default 8, as the real-time worker's lanes.
    /// </summary>
    public int SweepLanes { get; init; } = 8;

    /// <summary>How long a claim keeps other workers and processes off a turn. Default 2 min.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait before a failed turn is due again. Default 1 h.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long delivery pauses after an authentication or configuration error before it tries again. Default 30 s.</summary>
    public TimeSpan ConfigurationPause { get; init; } = TimeSpan.FromSeconds(30);
}
