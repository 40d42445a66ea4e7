using MemoSync.Delivery;
using Microsoft.Extensions.Configuration;

namespace MemoSync.Hosting;

/// <summary>Everything <c>AddMemoSync</c> needs; the guide's names map onto it (<see cref="FromConfiguration"/>).</summary>
public sealed class MemoSyncOptions
{
    /// <summary>The Memobase server root (<c>MEMOBASE_URL</c>). Default <c>http://localhost:8019/</c>.</summary>
    public string MemobaseUrl { get; set; } = "http://localhost:8019/";

    /// <summary>The Memobase token (<c>MEMOBASE_TOKEN</c>). Never logged.</summary>
    public string MemobaseToken { get; set; } = "";

    /// <summary>The journal (<c>MEMOSYNC_JOURNAL</c>): a SQLite file, or a PostgreSQL URL where MemoSync.Postgres is registered. Default <c>data/memosync.db</c>.</summary>
    public string JournalPath { get; set; } = "data/memosync.db";

    /// <summary>Retries, backoff, lanes and leases of the delivery engine (<c>MEMOBASE_SYNC_INTERVAL</c>, <c>MEMOSYNC_LANES</c>, <c>MEMOSYNC_LEASE</c>).</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>How long one Memobase request waits for its answer (<c>MEMOBASE_TIMEOUT</c>). Default 30 s.</summary>
    public TimeSpan MemobaseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How <see cref="Memory.MemoryContextProvider"/> reads the user's memory back: timeout, refresh, cache, flush at session end.</summary>
    public Memory.MemoryContextOptions Memory { get; set; } = new();

    /// <summary>
    /// Reads the guide's names (<c>MEMOBASE_URL</c>, <c>MEMOBASE_TOKEN</c>, <c>MEMOBASE_SYNC_INTERVAL</c>,
    /// <c>MEMOSYNC_JOURNAL</c>, <c>MEMOSYNC_LANES</c>, <c>MEMOSYNC_LEASE</c>) from <paramref name="configuration"/> over the
    /// defaults, without checking that Memobase can be reached with them (<c>AddMemoSync</c> does that).
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A value cannot be used; the message names the setting.</exception>
    public static MemoSyncOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new MemoSyncOptions();
        GuideSettings.Apply(configuration, options);
        return options;
    }
}
