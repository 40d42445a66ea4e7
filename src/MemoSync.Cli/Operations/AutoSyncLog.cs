using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace MemoSync.Cli.Operations;

/// <summary>
/// The guide's <c>auto_sync.log</c> through Serilog's file sink: lines as <c>2024-12-04 10:30:00 [INFO] message</c>,
/// rotated by size and age with a kept count. Writes go to the end of the file each time (the sink's shared
/// mode), so logrotate's copytruncate never leaves a hole of zeros.
/// </summary>
internal static class AutoSyncLog
{
    private const string Template = "{Timestamp:yyyy-MM-dd HH:mm:ss} [{GuideLevel}] {Message:l}{NewLine}{Exception}";

    /// <summary>Sends the host's logs to the file instead of the console; HTTP plumbing below warnings stays out.</summary>
    public static ILoggingBuilder AddAutoSyncLog(this ILoggingBuilder logging, LogFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddProvider(new SerilogLoggerProvider(CreateLogger(options), dispose: true));
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        return logging;
    }

    /// <summary>The Serilog logger writing <paramref name="options"/>' file.</summary>
    public static Logger CreateLogger(LogFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Path))!);
        return new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .Enrich.With<GuideLevel>()
            .WriteTo.File(
                options.Path,
                outputTemplate: Template,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                fileSizeLimitBytes: options.MaxBytes > 0 ? options.MaxBytes : null,
                rollOnFileSizeLimit: options.MaxBytes > 0,
                rollingInterval: options.Roll switch { LogRoll.Hour => RollingInterval.Hour, LogRoll.Day => RollingInterval.Day, _ => RollingInterval.Infinite },
                retainedFileCountLimit: options.Keep,
                shared: true)
            .CreateLogger();
    }

    /// <summary>The guide's level names (Python's logging): INFO, WARNING, ERROR.</summary>
    private sealed class GuideLevel : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) =>
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(nameof(GuideLevel), logEvent.Level switch
            {
                LogEventLevel.Verbose or LogEventLevel.Debug => "DEBUG",
                LogEventLevel.Information => "INFO",
                LogEventLevel.Warning => "WARNING",
                LogEventLevel.Error => "ERROR",
                _ => "CRITICAL",
            }));
    }
}
