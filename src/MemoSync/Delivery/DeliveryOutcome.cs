namespace MemoSync.Delivery;

/// <summary>What one delivery of a leased turn ended in, as recorded in the journal.</summary>
public enum DeliveryOutcome
{
    /// <summary>Memobase has the turn.</summary>
    Synced,

    /// <summary>It failed: the turn is due again later (a retry spent, unless the answer was lost).</summary>
    Retrying,

    /// <summary>A permanent failure, or retries exhausted: the turn waits for a person.</summary>
    Dead,

    /// <summary>Memobase refused our token or URL: nothing was charged to the turn; delivery pauses.</summary>
    Paused,

    /// <summary>The turn was not this engine's any more (its lease ran out and another took it); nothing was recorded.</summary>
    LeaseLost,

    /// <summary>What was left of the lease could not cover a request: the turn was not sent, and stays pending.</summary>
    Untried,
}
