using System.Globalization;
using MemoSync.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Sinks.SystemConsole.Themes;

namespace MemoSync.Cli;

/// <summary>MemoSync's services for a command that is not a daemon: wired by <c>AddMemoSync</c> from the same configuration as <c>run</c>, options validated at once.</summary>
internal static class CliServices
{
    /// <summary>The services; warnings and errors are logged to standard error, so standard output stays the command's own.</summary>
    /// <exception cref="OptionsValidationException">A setting is missing or cannot be used.</exception>
    public static ServiceProvider Build(IConfiguration configuration, Action<MemoSyncOptions>? configure = null)
    {
        var services = new ServiceCollection()
            // The client's own warnings would repeat what the command says in one sentence.
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddFilter("MemoSync.Memobase", LogLevel.None)
                .AddProvider(new SerilogLoggerProvider(StandardError(), dispose: true)))
            .AddMemoSyncPostgres()
            .AddMemoSync(configuration, configure)
            .BuildServiceProvider();
        try
        {
            _ = services.GetRequiredService<IOptions<MemoSyncOptions>>().Value;
            return services;
        }
        catch
        {
            // Nothing was resolved yet that needs an asynchronous dispose.
            services.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Log lines on standard error, written by the thread that logs: a console logger writing from a queue of its own could
    /// put a warning in the middle of what an interactive command (chat, say) prints after it.
    /// </summary>
    private static Serilog.Core.Logger StandardError() => new LoggerConfiguration()
        .MinimumLevel.Verbose()
        .WriteTo.Console(outputTemplate: "{Level:w4}: {SourceContext}: {Message:lj}{NewLine}{Exception}", formatProvider: CultureInfo.InvariantCulture,
            standardErrorFromLevel: LogEventLevel.Verbose, theme: ConsoleTheme.None)
        .CreateLogger();
}
