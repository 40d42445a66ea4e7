using MemoSync.Delivery;

namespace MemoSync.Hosting;

/// <summary>Everything <c>AddMemoSync</c> needs; the names of the guide map onto it (<see cref="FromEnvironment"/>).</summary>
public sealed class MemoSyncOptions
{
    /// <summary>The Memobase server root (<c>MEMOBASE_URL</c>). Default <c>http://localhost:8019/</c>.</summary>
    public string MemobaseUrl { get; set; } = "http://localhost:8019/";

    /// <summary>The Memobase token (<c>MEMOBASE_TOKEN</c>). Never logged.</summary>
    public string MemobaseToken { get; set; } = "";

    /// <summary>The journal's SQLite file (<c>MEMOSYNC_JOURNAL</c>). Default <c>data/memosync.db</c>.</summary>
    public string JournalPath { get; set; } = "data/memosync.db";

    /// <summary>Retries, backoff and the sweep (<c>MEMOBASE_SYNC_INTERVAL</c> sets its interval, <c>MEMOSYNC_REALTIME_GRACE</c> the grace it leaves the worker).</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>The real-time worker's queue and lanes.</summary>
    public WorkerOptions Worker { get; set; } = new();

    /// <summary>How <see cref="Memory.MemoryContextProvider"/> reads the user's memory back: timeout, refresh, cache, flush at session end.</summary>
    public Memory.MemoryContextOptions Memory { get; set; } = new();

    /// <summary>Reads the guide's environment variables over the defaults.</summary>
    /// <exception cref="ArgumentException">A variable has a value that cannot be used; the message names it.</exception>
    public static MemoSyncOptions FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var options = new MemoSyncOptions
        {
            MemobaseUrl = variable("MEMOBASE_URL") ?? "http://localhost:8019/",
            MemobaseToken = variable("MEMOBASE_TOKEN") ?? "",
            JournalPath = variable("MEMOSYNC_JOURNAL") is { Length: > 0 } path ? path : "data/memosync.db",
        };
        if (Seconds(variable, "MEMOBASE_SYNC_INTERVAL", allowZero: false) is { } interval)
        {
            options.Delivery = options.Delivery with { SweepInterval = interval };
        }
        if (Seconds(variable, "MEMOSYNC_REALTIME_GRACE", allowZero: true) is { } grace)
        {
            options.Delivery = options.Delivery with { RealtimeGrace = grace };
        }
        return options;
    }

    private static TimeSpan? Seconds(Func<string, string?> variable, string name, bool allowZero)
    {
        if (variable(name) is not { } text)
        {
            return null;
        }
        if (!int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || (seconds == 0 && !allowZero))
        {
            throw new ArgumentException($"{name} must be a {(allowZero ? "whole" : "positive")} number of seconds, got '{text}'");
        }
        return TimeSpan.FromSeconds(seconds);
    }
}
