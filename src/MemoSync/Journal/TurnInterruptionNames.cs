namespace MemoSync.Journal;

/// <summary>The names under which journals, JSONL lines and Memobase blob fields keep a <see cref="TurnInterruption"/>.</summary>
public static class TurnInterruptionNames
{
    /// <summary>The stored name: <c>user_spoke</c>, <c>cancelled</c>, <c>dropped</c> or <c>failed</c>.</summary>
    public static string Name(this TurnInterruption interruption) => interruption switch
    {
        TurnInterruption.UserSpoke => "user_spoke",
        TurnInterruption.Cancelled => "cancelled",
        TurnInterruption.Dropped => "dropped",
        TurnInterruption.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(interruption), interruption, "not a turn interruption"),
    };

    /// <summary>The interruption a stored name stands for; null for none.</summary>
    /// <exception cref="FormatException">The name is none of the stored names.</exception>
    public static TurnInterruption? Parse(string? name) => name switch
    {
        null => null,
        "user_spoke" => TurnInterruption.UserSpoke,
        "cancelled" => TurnInterruption.Cancelled,
        "dropped" => TurnInterruption.Dropped,
        "failed" => TurnInterruption.Failed,
        _ => throw new FormatException($"'{name}' is not a turn interruption (user_spoke, cancelled, dropped or failed)"),
    };
}
