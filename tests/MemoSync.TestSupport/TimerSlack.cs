namespace MemoSync.TestSupport;

/// <summary>How early a .NET delay may end by a <see cref="System.Diagnostics.Stopwatch"/>.</summary>
public static class TimerSlack
{
    /// <summary>
    /// Timers count in the kernel's coarse ticks (CLOCK_MONOTONIC_COARSE, 1 to 4 ms), so a delay of N ms can end a
    /// few milliseconds before a stopwatch has seen N ms pass.
    /// </summary>
    public const int EarlyMs = 5;
}
