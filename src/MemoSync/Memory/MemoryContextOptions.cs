namespace MemoSync.Memory;

/// <summary>How <see cref="MemoryContextProvider"/> reads a user's memory back; every default is the one used when a property is left alone.</summary>
public sealed record MemoryContextOptions
{
    /// <summary>The longest a turn waits for Memobase, counted from the call; past it the turn goes on without fresh memory. At least 10 ms. Default 500 ms.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest <see cref="MemoryContextProvider.StartSessionAsync"/> waits: nobody is waiting for an answer yet, and a
    /// process's first call opens the connection and warms up, which can take longer than a turn may wait. Default 5 s.
    /// </summary>
    public TimeSpan SessionStartTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The context is fetched again after it has served this many turns. Default 5.</summary>
    public int RefreshEveryTurns { get; init; } = 5;

    /// <summary>The context is fetched again once it is this old, whatever the turns. Default 5 min.</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>After a failed fetch, turns do not wait for Memobase again for this long (they use the last context, or none). Default 30 s.</summary>
    public TimeSpan RetryAfterFailure { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Size of the context in tokens (<c>max_token_size</c>). Default 500.</summary>
    public int MaxTokenSize { get; init; } = 500;

    /// <summary>The latest messages sent with the request (<c>chats_str</c>) so related events are found. Default 6.</summary>
    public int RecentMessages { get; init; } = 6;

    /// <summary>Flush the user's buffer at session end so the memory is current for the next session. Default false.</summary>
    public bool FlushBufferAtSessionEnd { get; init; }

    /// <summary>The longest the flush at session end may take. Default 10 s.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Why the options cannot work, or null when they can.</summary>
    public string? Validate() => this switch
    {
        { Timeout: var t } when t < TimeSpan.FromMilliseconds(10) => $"Timeout must be at least 10 ms, got {Timeout}",
        { SessionStartTimeout: var t } when t < TimeSpan.FromMilliseconds(10) => $"SessionStartTimeout must be at least 10 ms, got {SessionStartTimeout}",
        { RefreshEveryTurns: < 1 } => $"RefreshEveryTurns must be at least 1, got {RefreshEveryTurns}",
        { CacheTtl: var t } when t <= TimeSpan.Zero => $"CacheTtl must be positive, got {CacheTtl}",
        { RetryAfterFailure: var t } when t < TimeSpan.Zero => $"RetryAfterFailure must not be negative, got {RetryAfterFailure}",
        { MaxTokenSize: < 1 } => $"MaxTokenSize must be at least 1, got {MaxTokenSize}",
        { RecentMessages: < 0 } => $"RecentMessages must not be negative, got {RecentMessages}",
        { FlushTimeout: var t } when t <= TimeSpan.Zero => $"FlushTimeout must be positive, got {FlushTimeout}",
        _ => null,
    };
}
