using MemoSync.Operations;

namespace MemoSync.Health;

/// <summary>The names of the health checks <c>AddMemoSync</c> registers, each tagged <see cref="Tag"/>.</summary>
public static class MemoSyncHealthChecks
{
    /// <summary>The journal takes writes (Unhealthy when not).</summary>
    public const string Journal = "memosync_journal";

    /// <summary>Memobase answers and accepts the token (Unhealthy when not; turns wait in the journal).</summary>
    public const string Memobase = "memosync_memobase";

    /// <summary>The delivery engine runs and is not paused (Unhealthy when not).</summary>
    public const string Delivery = "memosync_delivery";

    /// <summary>The oldest pending turn is younger than <see cref="HealthOptions.MaxPendingAge"/> (Degraded when not).</summary>
    public const string Backlog = "memosync_backlog";

    /// <summary>The tag every MemoSync check has, to map them on one endpoint.</summary>
    public const string Tag = "memosync";
}
