namespace MemoSync.Journal;

/// <summary>Where a turn is on its way to Memobase.</summary>
public enum TurnState
{
    /// <summary>Not yet delivered: due at its <c>next_attempt_at</c>.</summary>
    Pending = 0,

    /// <summary>Memobase said yes.</summary>
    Synced = 1,

    /// <summary>Will not be retried without a person: bad data or retries exhausted.</summary>
    Dead = 2,
}
