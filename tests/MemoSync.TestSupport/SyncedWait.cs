using MemoSync.Delivery;

namespace MemoSync.TestSupport;

/// <summary>Waits on a real-time worker's counts, for tests that record and then need their turns delivered.</summary>
public static class SyncedWait
{
    /// <summary>Returns once <paramref name="statistics"/> counts <paramref name="count"/> synced turns; fails after 30 s.</summary>
    public static async Task UntilSyncedAsync(this SyncStatistics statistics, long count)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (statistics.SyncedCount < count)
        {
            await Task.Delay(1, deadline.Token);
        }
    }
}
