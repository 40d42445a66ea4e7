using MemoSync.Delivery;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace MemoSync.Hosting;

/// <summary>Wires MemoSync into a .NET host: the journal, the Memobase client, the worker, the sweeper (a hosted service) and the memory provider.</summary>
public static class MemoSyncServiceCollectionExtensions
{
    /// <summary>Adds MemoSync; the options are checked at once, so a bad URL or an empty token stops the start with the reason.</summary>
    public static IServiceCollection AddMemoSync(this IServiceCollection services, Action<MemoSyncOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MemoSyncOptions();
        configure(options);
        var client = new MemobaseClientOptions { BaseUrl = options.MemobaseUrl, Token = options.MemobaseToken };
        if ((client.Validate() ?? options.Memory.Validate()) is { } error)
        {
            throw new ArgumentException(error, nameof(configure));
        }
        services.AddMemobaseClient(o => { o.BaseUrl = client.BaseUrl; o.Token = client.Token; });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options.Delivery);
        services.AddSingleton(options.Worker);
        services.AddSingleton<IDialogueJournal>(sp => SqliteJournal.Open(new SqliteJournalOptions { Path = options.JournalPath }, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<TurnDelivery>();
        services.AddSingleton<RecoverySweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<RecoverySweeper>());
        services.AddSingleton(sp => new RealtimeSyncWorker(
            sp.GetRequiredService<IDialogueJournal>(), sp.GetRequiredService<TurnDelivery>(), options.Delivery, options.Worker,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RealtimeSyncWorker>>(), sp.GetRequiredService<RecoverySweeper>().WakeUp));
        services.AddSingleton(sp => new MemoryContextProvider(sp.GetRequiredService<MemobaseClient>(), options.Memory,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MemoryContextProvider>>()));
        return services;
    }
}
