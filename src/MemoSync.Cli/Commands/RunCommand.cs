using System.CommandLine;
using MemoSync.Cli.Configuration;
using MemoSync.Cli.Operations;
using MemoSync.Delivery;
using MemoSync.Hosting;
using MemoSync.Memobase;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemoSync.Cli.Commands;

/// <summary>
/// <c>memosync run</c>: the daemon, wired by <c>AddMemoSync</c>. The sweeper delivers every due turn of the
/// journal, from this or any other process, every <c>MEMOBASE_SYNC_INTERVAL</c>; the real-time worker is
/// there for turns recorded through the host. On SIGINT or SIGTERM the worker drains for a bounded time
/// and the statistics table is printed.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliSettings settings)
    {
        var command = new Command("run", "Run the delivery daemon until SIGINT or SIGTERM, then print the statistics.")
        {
            settings.Url, settings.Journal, settings.SyncInterval,
        };
        var operations = DaemonOperations.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            // No host defaults: the settings come from CliSettings alone, in its order.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = Directory.GetCurrentDirectory() });
            builder.Configuration.AddConfiguration(settings.Load(result));
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; })
                .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
            var journal = CliSettings.JournalAt(builder.Configuration);
            builder.Services.AddMemoSyncJournal(journal).AddMemoSync(builder.Configuration);
            operations.Configure(builder, result);
            using var host = builder.Build();
            var options = host.Services.GetRequiredService<IOptions<MemoSyncOptions>>().Value;
            await MemobaseProbe.CheckBeforeDeliveringAsync(host.Services.GetRequiredService<MemobaseClient>(), ct);
            var worker = host.Services.GetRequiredService<RealtimeSyncWorker>();
            var sweeper = host.Services.GetRequiredService<RecoverySweeper>();
            Console.WriteLine($"memosync run: journal {journal}, Memobase {options.MemobaseUrl}, sweep every {options.Delivery.SweepInterval.TotalSeconds} s");
            // Runs until the host stops, then disposes it: the worker has drained and the sweeper stopped.
            await host.RunAsync(ct);
            var swept = sweeper.Totals;
            Console.WriteLine("memosync run: stopped; undelivered turns stay pending in the journal.");
            Console.WriteLine($"recovery sweeper: {swept.Claimed} turns tried, {swept.Synced} synced, {swept.Retrying} to retry, {swept.Dead} dead");
            Console.WriteLine(worker.Statistics.ToTable());
            return ExitCodes.Ok;
        });
        return command;
    }
}
