namespace MemoSync.Delivery;

/// <summary>The real-time worker's queue and concurrency.</summary>
public sealed record WorkerOptions
{
    /// <summary>Turns waiting for delivery at most; a turn offered to a full queue is deferred to the sweeper. Default 1000 (the guide's).</summary>
    public int MaxQueueSize { get; init; } = 1000;

    /// <summary>Lanes delivering at once; a user's waiting turns share one lane, so they arrive in order. Default 8.</summary>
    public int Lanes { get; init; } = 8;

    /// <summary>How long shutdown waits for the queue to drain before leaving the rest pending in the journal. Default 10 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
