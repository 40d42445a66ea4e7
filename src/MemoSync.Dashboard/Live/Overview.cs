using MemoSync.Delivery;
using MemoSync.Journal;

namespace MemoSync.Dashboard.Live;

/// <summary>What the overview shows, read at one moment.</summary>
/// <param name="At">When it was read.</param>
/// <param name="Journal">Counts by state, the oldest pending turn and the latest errors.</param>
/// <param name="JournalError">Why the journal could not be read, or null.</param>
/// <param name="Engine">The delivery engine's state, or null when this process runs none.</param>
/// <param name="Minutes">Deliveries by this process's engine in the last hour, minute by minute (empty without an engine).</param>
/// <param name="Memobase">Whether Memobase answered its healthcheck, and if not, why.</param>
internal sealed record Overview(DateTimeOffset At, JournalStatus? Journal, string? JournalError, EngineState? Engine, IReadOnlyList<DeliveryMinute> Minutes,
    Reachability Memobase);
