using MemoSync.Journal;

namespace MemoSync.Cli.Operations;

/// <summary>The limits of <c>memosync status --check</c>: the guide's "too many unsynced turns" check, and dead turns.</summary>
/// <param name="MaxPending">Pending turns allowed (the guide warns above 10).</param>
/// <param name="MaxDead">Dead turns allowed.</param>
/// <param name="MaxOldestPending">How long the oldest pending turn may have waited, or null for no limit.</param>
internal sealed record JournalHealth(long MaxPending, long MaxDead, TimeSpan? MaxOldestPending)
{
    /// <summary>What is wrong with <paramref name="status"/> at <paramref name="now"/>; empty when it is healthy.</summary>
    public IReadOnlyList<string> Problems(JournalStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var problems = new List<string>();
        if (status.Pending > MaxPending)
        {
            problems.Add($"too many unsynced turns: {status.Pending} pending > --max-pending {MaxPending}");
        }
        if (status.Dead > MaxDead)
        {
            problems.Add($"dead turns wait for a person: {status.Dead} dead > --max-dead {MaxDead} (see memosync status, then memosync requeue)");
        }
        if (MaxOldestPending is { } limit && status.OldestPending is { } oldest && now - oldest > limit)
        {
            problems.Add($"the oldest pending turn has waited {(now - oldest).TotalSeconds:0} s > --max-age {limit.TotalSeconds:0} s");
        }
        return problems;
    }
}
