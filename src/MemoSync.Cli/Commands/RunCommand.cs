using System.CommandLine;
using MemoSync.Cli.Operations;
using MemoSync.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemoSync.Cli.Commands;

/// <summary>
/// <c>memosync run</c>: the daemon. The sweeper delivers every due turn of the journal, from this or
/// any other process, every <c>MEMOBASE_SYNC_INTERVAL</c>; stops cleanly on SIGINT or SIGTERM.
/// Configured by the guide's environment variables (the token is never taken from the command line).
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run the delivery daemon (MEMOBASE_URL, MEMOBASE_TOKEN, MEMOBASE_SYNC_INTERVAL, MEMOSYNC_JOURNAL).");
        var operations = DaemonOperations.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            MemoSyncOptions options;
            try
            {
                options = MemoSyncOptions.FromEnvironment(Environment.GetEnvironmentVariable);
                var builder = Host.CreateApplicationBuilder();
                builder.Logging.ClearProviders().AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; });
                builder.Services.AddMemoSync(o =>
                {
                    o.MemobaseUrl = options.MemobaseUrl;
                    o.MemobaseToken = options.MemobaseToken;
                    o.JournalPath = options.JournalPath;
                    o.Delivery = options.Delivery;
                });
                operations.Configure(builder, result);
                using var host = builder.Build();
                Console.WriteLine($"memosync run: journal {Path.GetFullPath(options.JournalPath)}, Memobase {options.MemobaseUrl}, sweep every {options.Delivery.SweepInterval.TotalSeconds} s");
                await host.RunAsync(ct);
                Console.WriteLine("memosync run: stopped; undelivered turns stay pending in the journal.");
                return 0;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"memosync run: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
