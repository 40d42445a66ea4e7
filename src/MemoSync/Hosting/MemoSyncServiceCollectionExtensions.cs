using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Following;
using MemoSync.Journal;
using MemoSync.Memobase;
using Microsoft.Extensions.Configuration;
using MemoSync.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MemoSync.Hosting;

/// <summary>
/// Wires MemoSync into a .NET host: the journal, the Memobase client, the delivery engine (a hosted service that
/// drains when the host stops, and stops the host when the journal is damaged), the memory provider, and a
/// <see cref="DialogueRecorderFactory"/> to record turns with.
/// </summary>
public static class MemoSyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds MemoSync configured by <paramref name="configuration"/>: its <c>MemoSync</c> section, then the guide's names, which
    /// win (<c>MEMOBASE_URL</c>, <c>MEMOBASE_TOKEN</c>, <c>MEMOBASE_SYNC_INTERVAL</c>, <c>MEMOSYNC_JOURNAL</c>, <c>MEMOSYNC_LANES</c>,
    /// <c>MEMOSYNC_LEASE</c>), then by <paramref name="configure"/>. The options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddMemoSync(this IServiceCollection services, IConfiguration configuration, Action<MemoSyncOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MemoSyncOptions>().Configure(o => o.Read(configuration));
        return services.AddMemoSync(configure ?? (_ => { }));
    }

    /// <summary>
    /// Adds MemoSync configured in code, the journal with <see cref="MemoSyncOptions.UseSqlite"/> or <see cref="MemoSyncOptions.UsePostgres"/>;
    /// the options are validated when the host starts, so a bad URL, an empty token or a journal location that cannot be read stops the start with the reason.
    /// </summary>
    public static IServiceCollection AddMemoSync(this IServiceCollection services, Action<MemoSyncOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<MemoSyncOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoSyncOptions>, MemoSyncOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(nameof(MemobaseClient));
        services.TryAddTransient(sp =>
        {
            var options = Options(sp);
            return new MemobaseClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(MemobaseClient)),
                new MemobaseClientOptions { BaseUrl = options.MemobaseUrl, Token = options.MemobaseToken, Timeout = options.MemobaseTimeout }, sp.GetService<ILogger<MemobaseClient>>());
        });
        services.TryAddSingleton(OpenJournal);
        services.TryAddSingleton(sp => new TurnDelivery(sp.GetRequiredService<MemobaseClient>(), sp.GetRequiredService<IDialogueJournal>(),
            Options(sp).Delivery, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TurnDelivery>>()));
        services.TryAddSingleton(sp => new DeliveryEngine(sp.GetRequiredService<IDialogueJournal>(), sp.GetRequiredService<TurnDelivery>(),
            Options(sp).Delivery, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DeliveryEngine>>(),
            sp.GetService<IHostApplicationLifetime>() is { } lifetime ? _ => lifetime.StopApplication() : null));
        services.TryAddSingleton<DialogueRecorderFactory>();
        services.AddHostedService<DeliveryEngineService>();
        // Started after the engine, so the first lines it records are delivered at once; idle when no file is to be followed.
        services.AddHostedService<JsonlFollowService>();
        services.TryAddSingleton(sp => new MemoryContextProvider(sp.GetRequiredService<MemobaseClient>(), Options(sp).Memory,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MemoryContextProvider>>()));
        return services;
    }

    /// <summary>The journal <see cref="MemoSyncOptions.Journal"/> names; the options' validation made sure it can be opened by what is registered.</summary>
    private static IDialogueJournal OpenJournal(IServiceProvider services)
    {
        var time = services.GetRequiredService<TimeProvider>();
        return JournalLocationSyntax.Split(Options(services).Journal) switch
        {
            { Postgres: { } connection } => services.GetServices<IPostgresJournalOpener>().Last().Open(connection, time),
            { SqlitePath: var path } => SqliteJournal.Open(new SqliteJournalOptions { Path = path! }, time),
        };
    }

    private static MemoSyncOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<MemoSyncOptions>>().Value;
}
