namespace MemoSync.Journal;

/// <summary>Why a turn's assistant message stops short of what the assistant meant to say.</summary>
public enum TurnInterruption
{
    /// <summary>The person started speaking while the answer played (barge-in).</summary>
    UserSpoke,

    /// <summary>The answer was cancelled or truncated before it was all said.</summary>
    Cancelled,

    /// <summary>The connection to the assistant dropped in the middle of the answer.</summary>
    Dropped,

    /// <summary>The assistant's service reported an error instead of finishing the answer.</summary>
    Failed,
}
