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

    /// <summary>Retries, backoff and the sweep (<c>MEMOBASE_SYNC_INTERVAL</c> sets its interval).</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>The real-time worker's queue and lanes.</summary>
    public WorkerOptions Worker { get; set; } = new();

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
        if (variable("MEMOBASE_SYNC_INTERVAL") is { } interval)
        {
            if (!int.TryParse(interval, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
            {
                throw new ArgumentException($"MEMOBASE_SYNC_INTERVAL must be a positive number of seconds, got '{interval}'");
            }
            options.Delivery = options.Delivery with { SweepInterval = TimeSpan.FromSeconds(seconds) };
        }
        return options;
    }
}
