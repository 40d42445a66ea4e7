namespace MemoSync.Delivery;

/// <summary>How the delivery engine delivers and retries turns; the defaults are the guide's.</summary>
public sealed record DeliveryOptions
{
    /// <summary>Quick attempts of one delivery before the turn is due again later. Default 3 (the guide's <c>max_retries</c>).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first pause between quick attempts, doubled each time, with jitter. Default 2 s (the guide's <c>retry_delay</c>).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Failed deliveries after which a turn is dead (a lost answer is not one). Default 5 (the guide's <c>MAX_RETRIES</c>).</summary>
    public int DeadAfter { get; init; } = 5;

    /// <summary>
    /// <c>MEMOBASE_SYNC_INTERVAL</c>, default 300 s: how often the engine looks for turns of other processes when nothing
    /// told it of them, and the slow retry cadence (a failed turn is due again after it, doubled per retry).
    /// </summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Users whose turns are delivered at once (<c>MEMOSYNC_LANES</c>); a user's own turns go one after another, in order. Default 8.</summary>
    public int Lanes { get; init; } = 8;

    /// <summary>
    /// Turns the engine holds leased at most (the guide's queue size). A turn recorded while it holds this many is
    /// deferred: it waits in the journal and is pulled as soon as there is room. Default 1000.
    /// </summary>
    public int MaxHeld { get; init; } = 1000;

    /// <summary>Turns one claim leases at most, in one commit. Default 100.</summary>
    public int ClaimBatch { get; init; } = 100;

    /// <summary>
    /// How long a claim keeps other engines and processes off a turn (<c>MEMOSYNC_LEASE</c>). Default 2 min. The engine
    /// renews the leases it holds every third of it, and no wait of a delivery runs past it.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait before a failed turn is due again, whatever the server asked. Default 1 h.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long delivery pauses after an authentication or configuration error before it tries again. Default 30 s.</summary>
    public TimeSpan ConfigurationPause { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long stopping waits for deliveries in flight before leaving the rest pending. Default 10 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Requests at most spent looking for the blob of a turn whose answer was lost, before sending it again. Default 5: the
    /// newest blobs of the user are looked at, and the turn's own, if stored, is among them, as the user's later turns wait
    /// behind it.
    /// </summary>
    public int VerifyRequests { get; init; } = 5;

    /// <summary>One sentence naming what cannot work together, or null when the options can be used.</summary>
    public string? Validate(TimeSpan requestTimeout)
    {
        if (MaxRetries < 1 || DeadAfter < 1 || Lanes < 1 || MaxHeld < 1 || ClaimBatch < 1 || VerifyRequests < 2)
        {
            return $"retries ({MaxRetries}), dead-after ({DeadAfter}), lanes ({Lanes}), held turns ({MaxHeld}), claim batch ({ClaimBatch}) must be at least 1 and verify requests ({VerifyRequests}) at least 2";
        }
        if (SyncInterval <= TimeSpan.Zero || MaxBackoff <= TimeSpan.Zero || RetryDelay < TimeSpan.Zero)
        {
            return $"the sync interval ({SyncInterval.TotalSeconds} s) and the longest backoff ({MaxBackoff.TotalSeconds} s) must be positive";
        }
        // A renewal every third of the lease must land before it runs out while a request is still waiting for its answer.
        return Lease < 3 * requestTimeout
            ? $"the lease ({Lease.TotalSeconds} s) must be at least three times the Memobase request timeout ({requestTimeout.TotalSeconds} s), or a request could outlive it"
            : null;
    }
}
