namespace MemoSync.Delivery;

/// <summary>What one delivery attempt ended in, as recorded in the journal.</summary>
public enum DeliveryOutcome
{
    /// <summary>Memobase has the turn.</summary>
    Synced,

    /// <summary>A transient failure: the turn is due again later, one retry spent.</summary>
    Retrying,

    /// <summary>A permanent failure, or retries exhausted: the turn waits for a person.</summary>
    Dead,

    /// <summary>Memobase refused our token or URL: nothing was charged to the turn; delivery should pause.</summary>
    Paused,

    /// <summary>Another worker took the turn over (this one's lease had expired); nothing was recorded.</summary>
    LeaseLost,
}
