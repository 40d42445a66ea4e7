using MemoSync.Memobase;
using MemoSync.Memobase.Errors;
using MemoSync.Memobase.Models;
using MemoSync.Memobase.Queries;
using Microsoft.Extensions.Logging;

namespace MemoSync.Memory;

/// <summary>
/// The guide's memory_manager: reads what Memobase knows about a user (<c>GET /users/context</c>, with the
/// recent chats) for the system prompt, at a session's start and every <see cref="MemoryContextOptions.RefreshEveryTurns"/>
/// turns, from a cache in between. The read that starts a session may wait <see cref="MemoryContextOptions.SessionStartTimeout"/>;
/// a turn never waits longer than <see cref="MemoryContextOptions.Timeout"/>: when Memobase is slow or down the
/// conversation goes on with the last context it had, or none, and the log says so once. At session end it can
/// flush the user's buffer so the memory is current for the next session.
/// </summary>
public sealed class MemoryContextProvider
{
    // A timer fires a millisecond or two after it is due, and the turn resumes after that: the wait ends this much
    // earlier so that the whole call stays within the timeout.
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(3);
    private readonly IMemobaseClient _client;
    private readonly MemoryContextOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CachedContext> _cache = new(StringComparer.Ordinal);
    private int _unavailable;

    /// <summary>Creates a provider reading through <paramref name="client"/>.</summary>
    /// <exception cref="ArgumentException">The options cannot work; the message names the option.</exception>
    public MemoryContextProvider(IMemobaseClient client, MemoryContextOptions options, TimeProvider time, ILogger<MemoryContextProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The user's memory for the next turn, each call counting as one turn: from the cache while it is fresh,
    /// otherwise fetched within the timeout. Null when Memobase has given nothing yet (down, slow, or unknown user).
    /// </summary>
    /// <param name="userId">The user as the journal names it (a UUID, or a name mapped as the official SDK does).</param>
    /// <param name="recentChats">The conversation so far; its latest messages help Memobase pick related events.</param>
    /// <param name="ct">Cancels the wait (not counted as Memobase being down).</param>
    public async ValueTask<string?> GetContextAsync(string userId, IReadOnlyList<ChatMessage> recentChats, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(recentChats);
        var started = _time.GetTimestamp();
        var now = _time.GetUtcNow();
        CachedContext? cached;
        lock (_gate)
        {
            if (_cache.TryGetValue(userId, out cached) && (IsFresh(cached, now) || cached.RetryAt > now))
            {
                _cache[userId] = cached with { TurnsServed = cached.TurnsServed + 1 };
                return cached.Context;
            }
        }
        return await FetchAndCacheAsync(userId, recentChats, started, _options.Timeout, cached, turnsServed: 1, ct);
    }

    /// <summary>
    /// Starts a session: fetches the user's memory, waiting up to <see cref="MemoryContextOptions.SessionStartTimeout"/>
    /// (before any turn, so the first turn does not miss the memory to a cold connection), and caches it for the turns.
    /// Null when Memobase has given nothing (down, slow, or unknown user).
    /// </summary>
    public async ValueTask<string?> StartSessionAsync(string userId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        CachedContext? cached;
        lock (_gate)
        {
            _cache.TryGetValue(userId, out cached);
        }
        return await FetchAndCacheAsync(userId, [], _time.GetTimestamp(), _options.SessionStartTimeout, cached, turnsServed: 0, ct);
    }

    private async ValueTask<string?> FetchAndCacheAsync(string userId, IReadOnlyList<ChatMessage> recentChats, long started, TimeSpan timeout,
        CachedContext? cached, int turnsServed, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var (fetched, context) = await FetchAsync(userId, recentChats, started, timeout, ct);
        lock (_gate)
        {
            _cache[userId] = fetched
                ? new CachedContext(context, now, turnsServed, now)
                : new CachedContext(cached?.Context, cached?.FetchedAt ?? DateTimeOffset.MinValue, turnsServed, now + _options.RetryAfterFailure);
            return _cache[userId].Context;
        }
    }

    /// <summary>The system prompt for the next turn: <paramref name="instructions"/> followed by the user's memory, when there is any.</summary>
    public async ValueTask<string> BuildSystemPromptAsync(string instructions, string userId, IReadOnlyList<ChatMessage> recentChats, CancellationToken ct = default) =>
        ComposeSystemPrompt(instructions, await GetContextAsync(userId, recentChats, ct));

    /// <summary>Puts the memory section (as Memobase laid it out) after the instructions; the instructions alone when there is no memory.</summary>
    public static string ComposeSystemPrompt(string instructions, string? memory)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        return string.IsNullOrWhiteSpace(memory) ? instructions : $"{instructions.TrimEnd()}\n\n{memory.Trim()}\n";
    }

    /// <summary>
    /// Ends the user's session: forgets the cached context and, with <see cref="MemoryContextOptions.FlushBufferAtSessionEnd"/>,
    /// asks Memobase to process the user's buffer now (<c>POST /users/buffer</c>). Call it once the session's turns are delivered.
    /// </summary>
    /// <returns>True when the buffer was flushed; false when flushing is off or failed (the failure is logged).</returns>
    public async Task<bool> EndSessionAsync(string userId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        lock (_gate)
        {
            _cache.Remove(userId);
        }
        if (!_options.FlushBufferAtSessionEnd)
        {
            return false;
        }
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var flush = _client.FlushBufferAsync(MemobaseUserId.FromUuidOrName(userId), ct: abandon.Token);
        try
        {
            await flush.WaitAsync(_options.FlushTimeout, _time, ct);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or MemobaseException)
        {
            await abandon.CancelAsync();
            Observe(flush);
            MemoryLog.FlushFailed(_logger, userId, Reason(e, _options.FlushTimeout));
            return false;
        }
    }

    private bool IsFresh(CachedContext cached, DateTimeOffset now) =>
        cached.TurnsServed < _options.RefreshEveryTurns && now - cached.FetchedAt < _options.CacheTtl;

    /// <summary>Fetches within what is left of <paramref name="timeout"/> counted from <paramref name="started"/>, the start of the call.</summary>
    private async Task<(bool Fetched, string? Context)> FetchAsync(string userId, IReadOnlyList<ChatMessage> recentChats, long started, TimeSpan timeout,
        CancellationToken ct)
    {
        var query = new ContextQuery
        {
            MaxTokenSize = _options.MaxTokenSize,
            Chats = recentChats.Count == 0 || _options.RecentMessages == 0 ? null : recentChats.TakeLast(_options.RecentMessages).ToList(),
        };
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var fetch = _client.GetContextAsync(MemobaseUserId.FromUuidOrName(userId), query, abandon.Token);
        try
        {
            var left = timeout - TimerSlack - _time.GetElapsedTime(started);
            var context = await fetch.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time, ct);
            if (Interlocked.Exchange(ref _unavailable, 0) == 1)
            {
                MemoryLog.Available(_logger);
            }
            return (true, context);
        }
        catch (Exception e) when (e is TimeoutException or MemobaseException)
        {
            // Stop the request that is no longer waited for, and observe how it ends.
            await abandon.CancelAsync();
            Observe(fetch);
            if (Interlocked.Exchange(ref _unavailable, 1) == 0)
            {
                MemoryLog.Unavailable(_logger, Reason(e, timeout));
            }
            return (false, null);
        }
    }

    private static string Reason(Exception e, TimeSpan timeout) =>
        e is TimeoutException ? $"no answer within {timeout.TotalMilliseconds:0} ms" : e.Message;

    private static void Observe(Task task) => task.ContinueWith(t => _ = t.Exception, CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
