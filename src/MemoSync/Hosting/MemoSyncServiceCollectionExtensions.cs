using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Following;
using MemoSync.Journal;
using MemoSync.Memobase;
using Microsoft.Extensions.Configuration;
using MemoSync.Health;
using MemoSync.Memory;
using MemoSync.Operations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MemoSync.Hosting;

/// <summary>
/// Wires MemoSync into a .NET host: the journal, the Memobase client, the delivery engine (a hosted service that
/// drains when the host stops, and stops the host when the journal is damaged), the memory provider, a
/// <see cref="DialogueRecorderFactory"/> to record turns with, and operations: the journal's gauges on the
/// <c>MemoSync</c> meter, retention (when an age is set), and health checks tagged <c>memosync</c>.
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
        // An application's own client, registered before, wins with its own options; otherwise the client's options follow
        // MemoSync's, which are validated as a whole.
        if (!services.Any(d => d.ServiceType == typeof(IMemobaseClient)))
        {
            services.AddOptions<MemobaseClientOptions>().Configure<IOptions<MemoSyncOptions>>((client, memoSync) =>
                (client.BaseUrl, client.Token, client.Timeout) = (memoSync.Value.MemobaseUrl, memoSync.Value.MemobaseToken, memoSync.Value.MemobaseTimeout));
            services.AddMemobaseClient();
        }
        services.TryAddSingleton(OpenJournal);
        services.TryAddSingleton(sp => new TurnDelivery(sp.GetRequiredService<IMemobaseClient>(), sp.GetRequiredService<IDialogueJournal>(),
            Options(sp).Delivery, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TurnDelivery>>()));
        services.TryAddSingleton(sp => new DeliveryEngine(sp.GetRequiredService<IDialogueJournal>(), sp.GetRequiredService<TurnDelivery>(),
            Options(sp).Delivery, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DeliveryEngine>>(),
            sp.GetService<IHostApplicationLifetime>() is { } lifetime ? _ => lifetime.StopApplication() : null));
        services.TryAddSingleton<DialogueRecorderFactory>();
        services.TryAddSingleton(sp => new MemoryContextProvider(sp.GetRequiredService<IMemobaseClient>(), Options(sp).Memory,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MemoryContextProvider>>()));
        services.TryAddSingleton(sp => new JournalGauges(sp.GetRequiredService<IDialogueJournal>(), sp.GetRequiredService<TimeProvider>()));
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DeliveryEngineService)))
        {
            // Once, however often AddMemoSync is called: its options add up, its services do not.
            services.AddHostedService<DeliveryEngineService>();
            // Started after the engine, so the first lines it records are delivered at once; idle when no file is to be followed.
            services.AddHostedService<JsonlFollowService>();
            services.AddHostedService<JournalGaugesService>();
            services.AddHostedService(sp => new RetentionService(sp.GetRequiredService<IDialogueJournal>(), Options(sp).Retention,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RetentionService>>()));
            AddHealthChecks(services);
        }
        return services;
    }

    private static void AddHealthChecks(IServiceCollection services)
    {
        string[] tags = [MemoSyncHealthChecks.Tag];
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration(MemoSyncHealthChecks.Journal, sp => new JournalHealthCheck(sp.GetRequiredService<IDialogueJournal>()),
                HealthStatus.Unhealthy, tags))
            .Add(new HealthCheckRegistration(MemoSyncHealthChecks.Memobase,
                sp => new MemobaseHealthCheck(sp.GetRequiredService<IMemobaseClient>(), Options(sp).Health), HealthStatus.Unhealthy, tags))
            .Add(new HealthCheckRegistration(MemoSyncHealthChecks.Delivery, sp => new DeliveryHealthCheck(sp.GetRequiredService<DeliveryEngine>()),
                HealthStatus.Unhealthy, tags))
            .Add(new HealthCheckRegistration(MemoSyncHealthChecks.Backlog,
                sp => new BacklogHealthCheck(sp.GetRequiredService<JournalGauges>(), Options(sp).Health), HealthStatus.Degraded, tags));
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
