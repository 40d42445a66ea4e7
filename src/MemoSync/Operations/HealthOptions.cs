namespace MemoSync.Operations;

/// <summary>The thresholds of the health checks <c>AddMemoSync</c> registers.</summary>
public sealed record HealthOptions
{
    /// <summary>
    /// The oldest pending turn may wait this long before the backlog check says Degraded. Default 10 minutes: two of the
    /// guide's 300-second sweep intervals, so a turn recorded by another process and picked up at a sweep stays healthy.
    /// </summary>
    public TimeSpan MaxPendingAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the Memobase check waits for its two answers. Default 5 s.</summary>
    public TimeSpan MemobaseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>What is wrong with these thresholds, or null.</summary>
    public string? Validate() => this switch
    {
        { MaxPendingAge: var age } when age <= TimeSpan.Zero => $"MaxPendingAge must be positive, got {MaxPendingAge}",
        { MemobaseTimeout: var t } when t <= TimeSpan.Zero => $"MemobaseTimeout must be positive, got {MemobaseTimeout}",
        _ => null,
    };
}
