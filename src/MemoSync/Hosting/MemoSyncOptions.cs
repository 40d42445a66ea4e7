using System.Diagnostics.CodeAnalysis;
using MemoSync.Delivery;
using MemoSync.Journal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MemoSync.Hosting;

/// <summary>
/// Everything <c>AddMemoSync</c> needs. From configuration (<see cref="FromConfiguration"/>): a <c>MemoSync</c> section
/// with these properties' names, then the guide's flat names, which win.
/// </summary>
public sealed class MemoSyncOptions
{
    /// <summary>The configuration section bound to these options, under the guide's flat names.</summary>
    public const string SectionName = "MemoSync";

    /// <summary>The Memobase server root (<c>MEMOBASE_URL</c>). Default <c>http://localhost:8019/</c>.</summary>
    public string MemobaseUrl { get; set; } = "http://localhost:8019/";

    /// <summary>The Memobase token (<c>MEMOBASE_TOKEN</c>). Never logged.</summary>
    public string MemobaseToken { get; set; } = "";

    /// <summary>
    /// Where the journal is (<c>MEMOSYNC_JOURNAL</c>), as <see cref="UseSqlite"/> and <see cref="UsePostgres"/> set it: a SQLite
    /// file (a path, or <c>sqlite:path</c>), or a PostgreSQL database (<c>postgres://user:password@host:port/database</c>,
    /// <c>postgresql://…</c>, or an Npgsql connection string after <c>postgres:</c>), which needs MemoSync.Postgres
    /// registered (<c>services.AddMemoSyncPostgres()</c>), or the start is refused saying so. Default <c>data/memosync.db</c>.
    /// </summary>
    public string Journal { get; set; } = JournalLocationSyntax.DefaultPath;

    /// <summary>Retries, backoff, lanes and leases of the delivery engine (<c>MEMOBASE_SYNC_INTERVAL</c>, <c>MEMOSYNC_LANES</c>, <c>MEMOSYNC_LEASE</c>).</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>How long one Memobase request waits for its answer (<c>MEMOBASE_TIMEOUT</c>). Default 30 s.</summary>
    public TimeSpan MemobaseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How <see cref="Memory.MemoryContextProvider"/> reads the user's memory back: timeout, refresh, cache, flush at session end.</summary>
    public Memory.MemoryContextOptions Memory { get; set; } = new();

    /// <summary>How long synced turns are kept (<c>MEMOSYNC_RETENTION_DAYS</c>); kept forever unless an age is set.</summary>
    public Operations.RetentionOptions Retention { get; set; } = new();

    /// <summary>The thresholds of MemoSync's health checks.</summary>
    public Operations.HealthOptions Health { get; set; } = new();

    /// <summary>Files of the guide's JSONL that an unchanged app appends to, followed while the host runs (<c>MEMOSYNC_FOLLOW</c>). Default none.</summary>
    public Following.FollowOptions Follow { get; set; } = new();

    /// <summary>Keeps the journal in the SQLite file at <paramref name="path"/>.</summary>
    public MemoSyncOptions UseSqlite(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Journal = JournalLocationSyntax.Sqlite(path);
        return this;
    }

    /// <summary>
    /// Keeps the journal in PostgreSQL: <paramref name="connection"/> is a <c>postgres://</c> URL or an Npgsql connection
    /// string. Needs MemoSync.Postgres registered (<c>services.AddMemoSyncPostgres()</c>, before or after <c>AddMemoSync</c>).
    /// </summary>
    public MemoSyncOptions UsePostgres(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        Journal = JournalLocationSyntax.Postgres(connection);
        return this;
    }

    /// <summary>
    /// Reads the <c>MemoSync</c> section, then the guide's names (<c>MEMOBASE_URL</c>, <c>MEMOBASE_TOKEN</c>, <c>MEMOBASE_SYNC_INTERVAL</c>,
    /// <c>MEMOSYNC_JOURNAL</c>, <c>MEMOSYNC_LANES</c>, <c>MEMOSYNC_LEASE</c>, <c>MEMOSYNC_RETENTION_DAYS</c>) from <paramref name="configuration"/> over the
    /// defaults, without checking that Memobase can be reached with them (<c>AddMemoSync</c> does that).
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A value cannot be used; the message names the setting.</exception>
    public static MemoSyncOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new MemoSyncOptions();
        options.Read(configuration);
        return options;
    }

    /// <summary>Sets what <paramref name="configuration"/> says: its <c>MemoSync</c> section, then the guide's flat names over it.</summary>
    /// <exception cref="OptionsValidationException">A value cannot be used; the message names the setting.</exception>
    // The binder's source generator leaves init-only properties unset (DeliveryOptions, MemoryContextOptions...), so the section is
    // bound by reflection: the bound types' public properties are kept for trimming, and they are all numbers, times and flags,
    // which need no code generated at run time.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(MemoSyncOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(DeliveryOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(Memory.MemoryContextOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(Operations.RetentionOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(Operations.HealthOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(Following.FollowOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The bound types' properties are kept by DynamicDependency.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The bound types hold no collections or generics to construct.")]
    internal void Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            configuration.GetSection(SectionName).Bind(this);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the key and the type it wanted ("Failed to convert configuration value at 'MemoSync:…' to type …").
            throw new OptionsValidationException(Options.DefaultName, typeof(MemoSyncOptions), [e.Message]);
        }
        GuideSettings.Apply(configuration, this);
    }
}
