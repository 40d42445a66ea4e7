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
/// <c>memosync run</c>: the daemon, wired by <c>AddMemoSync</c>. Its delivery engine delivers every due turn of the
/// journal, from this or any other process: a turn recorded elsewhere within milliseconds of the journal's change
/// signal, and in any case every <c>MEMOBASE_SYNC_INTERVAL</c>. On SIGINT or SIGTERM it drains for a bounded time and
/// the statistics table is printed; when the journal is damaged it stops and exits non-zero, saying why.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliSettings settings)
    {
        var command = new Command("run", "Run the delivery daemon until SIGINT or SIGTERM, then print the statistics.")
        {
            settings.Url, settings.Journal, settings.SyncInterval, settings.Follow, settings.User,
        };
        var operations = DaemonOperations.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            // No host defaults: the settings come from CliSettings alone, in its order.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = Directory.GetCurrentDirectory() });
            builder.Configuration.AddConfiguration(settings.Load(result));
            // Levels from Logging:LogLevel (appsettings.json, or Logging__LogLevel__Default=Warning): a big drain need not print a line per turn.
            builder.Logging.AddConfiguration(LogLevelSettings.Checked(builder.Configuration.GetSection("Logging")))
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; });
            var journal = CliSettings.JournalAt(builder.Configuration);
            // The daemon keeps synced turns 30 days unless told otherwise; an application keeps them until it says.
            builder.Services.AddMemoSyncPostgres().AddMemoSync(builder.Configuration, o => o.Retention = o.Retention.OrCommandDefault());
            operations.Configure(builder, result);
            using var host = builder.Build();
            var options = host.Services.GetRequiredService<IOptions<MemoSyncOptions>>().Value;
            try
            {
                await MemobaseProbe.CheckBeforeDeliveringAsync(host.Services.GetRequiredService<IMemobaseClient>(), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // SIGINT or SIGTERM before Memobase first answered: nothing was taken, so a stop as asked, not a failure to restart.
                Console.WriteLine("memosync run: stopped before delivering anything; turns stay pending in the journal.");
                return ExitCodes.Ok;
            }
            var engine = host.Services.GetRequiredService<DeliveryEngine>();
            Console.WriteLine($"memosync run: journal {journal}, Memobase {options.MemobaseUrl}, looking for turns of other processes every {options.Delivery.SyncInterval.TotalSeconds} s");
            foreach (var file in options.Follow.Files)
            {
                Console.WriteLine($"memosync run: following {Path.GetFullPath(file)}");
            }
            // Runs until the host stops, then disposes it: the engine has drained.
            await host.RunAsync(ct);
            Console.WriteLine(engine.Statistics.ToTable());
            if (engine.Fatal is { } why)
            {
                await Console.Error.WriteLineAsync($"memosync run: stopped, {why}");
                return ExitCodes.JournalUnavailable;
            }
            Console.WriteLine("memosync run: stopped; undelivered turns stay pending in the journal.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
