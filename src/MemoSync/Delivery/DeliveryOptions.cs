using MemoSync.Hosting;

namespace MemoSync.Delivery;

/// <summary>How the delivery engine delivers and retries turns; the defaults are the guide's.</summary>
public sealed record DeliveryOptions
{
    /// <summary>Quick attempts of one delivery before the turn is due again later. Default 3 (the guide's <c>max_retries</c>).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first pause between quick attempts, doubled each time, with jitter. Default 2 s (the guide's <c>retry_delay</c>).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Failed deliveries after which a turn is dead (a lost answer is not one). Default 5 (the guide's <c>MAX_RETRIES</c>).</summary>
    public int DeadAfter { get; init; } = 5;

    /// <summary>
    /// <c>MEMOBASE_SYNC_INTERVAL</c>, default 300 s: how often the engine looks for turns of other processes when nothing
    /// told it of them, and the slow retry cadence (a failed turn is due again after it, doubled per retry).
    /// </summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Users whose turns are delivered at once (<c>MEMOSYNC_LANES</c>); a user's own turns go one after another, in order.
    /// Default 16: on two cores, 16 users' turns and a backlog of many users went faster than with 8 (bench/README.md).
    /// </summary>
    public int Lanes { get; init; } = 16;

    /// <summary>
    /// Turns the engine holds leased at most (the guide's queue size). A turn recorded while it holds this many is
    /// deferred: it waits in the journal and is pulled as soon as there is room. Default 1000.
    /// </summary>
    public int MaxHeld { get; init; } = 1000;

    /// <summary>Turns one claim leases at most, in one commit. Default 100.</summary>
    public int ClaimBatch { get; init; } = 100;

    /// <summary>
    /// How long a claim keeps other engines and processes off a turn (<c>MEMOSYNC_LEASE</c>). Default 2 min. The engine
    /// renews the leases it holds every third of it, and no wait of a delivery runs past it.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait before a failed turn is due again, whatever the server asked. Default 1 h.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long delivery pauses after an authentication or configuration error before it tries again. Default 30 s.</summary>
    public TimeSpan ConfigurationPause { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long stopping waits for deliveries in flight before leaving the rest pending. Default 10 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Requests at most spent looking for the blob of a turn whose answer was lost, before sending it again. Default 5: the
    /// newest blobs of the user are looked at, and the turn's own, if stored, is among them, as the user's later turns wait
    /// behind it.
    /// </summary>
    public int VerifyRequests { get; init; } = 5;

    /// <summary>
    /// The longest wait any of these options may set (the sync interval, the lease, the pauses and the drain): a day. A longer
    /// one is a misplaced digit rather than a schedule, and .NET timers refuse waits past 49 days.
    /// </summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    /// <summary>The longest <see cref="MaxBackoff"/>: a week, so a failed turn is tried again while someone still remembers it.</summary>
    public static readonly TimeSpan LongestBackoff = TimeSpan.FromDays(7);

    /// <summary>The most quick attempts (<see cref="MaxRetries"/>): more would hold a user's later turns behind one that fails.</summary>
    public const int MostQuickAttempts = 10;

    /// <summary>The most of <see cref="DeadAfter"/>, <see cref="VerifyRequests"/> and <see cref="Lanes"/>.</summary>
    public const int MostCount = 1000;

    /// <summary>The most turns held (<see cref="MaxHeld"/>) and claimed at once.</summary>
    public const int MostHeld = 100_000;

    /// <summary>
    /// One sentence naming the first option that cannot be used, its value and what is allowed (the guide's name where the
    /// option has one), or null when the options can be used with requests that wait up to <paramref name="requestTimeout"/>
    /// (<c>MEMOBASE_TIMEOUT</c>) for their answer.
    /// </summary>
    public string? Validate(TimeSpan requestTimeout) =>
        Within(GuideSettings.SyncInterval, SyncInterval, LongestWait)
        ?? Within(GuideSettings.Lease, Lease, LongestWait)
        ?? Within(GuideSettings.Timeout, requestTimeout, LongestWait / 3)
        // A renewal every third of the lease must land before it runs out while a request is still waiting for its answer.
        ?? (Lease < 3 * requestTimeout
            ? $"{GuideSettings.Lease} ({Seconds(Lease)} s) must be at least three times {GuideSettings.Timeout} ({Seconds(requestTimeout)} s), or a delivery's request could outlive its lease"
            : null)
        ?? Within(Named(nameof(MaxBackoff)), MaxBackoff, LongestBackoff)
        ?? Within(Named(nameof(ConfigurationPause)), ConfigurationPause, LongestWait)
        ?? Within(Named(nameof(DrainTimeout)), DrainTimeout, LongestWait)
        ?? (RetryDelay < TimeSpan.Zero || RetryDelay > Lease / 3
            ? $"{Named(nameof(RetryDelay))} must be from 0 to a third of {GuideSettings.Lease} ({Seconds(Lease / 3)} s), got {Seconds(RetryDelay)} s, or no quick retry fits in a lease"
            : null)
        ?? Within(Named(nameof(MaxRetries)), MaxRetries, 1, MostQuickAttempts)
        ?? Within(Named(nameof(DeadAfter)), DeadAfter, 1, MostCount)
        ?? Within(Named(nameof(VerifyRequests)), VerifyRequests, 2, MostCount)
        ?? Within(Named(nameof(MaxHeld)), MaxHeld, 1, MostHeld)
        ?? Within(GuideSettings.Lanes, Lanes, 1, Math.Min(MostCount, MaxHeld))
        ?? Within(Named(nameof(ClaimBatch)), ClaimBatch, 1, MaxHeld);

    private static string? Within(string name, TimeSpan value, TimeSpan most) =>
        value > TimeSpan.Zero && value <= most ? null : $"{name} must be more than 0 and at most {Seconds(most)} seconds, got {Seconds(value)}";

    private static string? Within(string name, int value, int least, int most) =>
        value >= least && value <= most ? null : $"{name} must be from {least} to {most}, got {value}";

    /// <summary>An option without a setting of the guide, named as code sets it.</summary>
    private static string Named(string property) => $"{nameof(DeliveryOptions)}.{property}";

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
