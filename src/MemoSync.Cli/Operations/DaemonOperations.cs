using System.CommandLine;
using MemoSync.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MemoSync.Cli.Operations;

/// <summary>
/// What <c>memosync run</c> adds for production to what <c>AddMemoSync</c> wires (gauges, retention, health checks): systemd
/// notify and watchdog, the readiness probe, the rotated log file, the metrics endpoint, and the dashboard.
/// </summary>
internal sealed class DaemonOperations
{
    private readonly Option<int?> _metricsPort = new("--metrics-port")
    {
        Description = "Serve Prometheus metrics on http://ADDRESS:PORT/metrics (ADDRESS from --metrics-address).",
    };

    private readonly Option<string> _metricsAddress = new("--metrics-address")
    {
        Description = "The address the metrics endpoint listens on: an IP address of this machine, or * for all of them. Loopback unless told otherwise.",
        DefaultValueFactory = _ => MetricsExport.Loopback,
    };

    private readonly Option<string?> _logFile = new("--log-file") { Description = "Write the log (the guide's auto_sync.log lines) to this file instead of the console, rotated." };

    private readonly Option<long> _logMaxBytes = new("--log-max-bytes")
    {
        Description = "Begin a new log file when the current one reaches this size; 0 never by size (logrotate).",
        DefaultValueFactory = _ => 10 * 1024 * 1024,
    };

    private readonly Option<LogRoll> _logRoll = new("--log-roll") { Description = "Begin a new log file every day, hour, or never by age (none).", DefaultValueFactory = _ => LogRoll.Day };

    private readonly Option<int> _logKeep = new("--log-keep")
    {
        Description = "Log files kept, the current one included.",
        DefaultValueFactory = _ => 14,
    };

    private DaemonDashboard _dashboard = null!;

    /// <summary>Adds the operations options to <paramref name="command"/>.</summary>
    public static DaemonOperations AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var operations = new DaemonOperations();
        operations._metricsPort.Check(port => port is < 1 or > 65535 ? "--metrics-port must be a TCP port (1-65535)" : null);
        operations._metricsAddress.Check(MetricsExport.ListenError);
        operations._logMaxBytes.Check(bytes => bytes < 0 ? "--log-max-bytes must be 0 or more" : null);
        operations._logKeep.Check(keep => keep < 1 ? "--log-keep must be 1 or more" : null);
        foreach (var option in new Option[] { operations._metricsPort, operations._metricsAddress, operations._logFile, operations._logMaxBytes, operations._logRoll, operations._logKeep })
        {
            command.Options.Add(option);
        }
        operations._dashboard = DaemonDashboard.AddTo(command);
        return operations;
    }

    /// <summary>Wires the operations parts into the daemon's host.</summary>
    /// <exception cref="CliFailure">A setting has a value that cannot be used; the message names it.</exception>
    public void Configure(HostApplicationBuilder builder, ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(_logFile) is { Length: > 0 } logFile)
        {
            // Serilog's shared file sink creates each rolled file itself and takes no hook: the daemon that writes a
            // log creates every file owner-only, so the log is never readable by others, not even for a moment.
            OwnerOnlyFile.ForEveryNewFileOfThisProcess();
            builder.Logging.AddAutoSyncLog(new LogFileOptions
            {
                Path = logFile,
                MaxBytes = result.GetValue(_logMaxBytes),
                Roll = result.GetValue(_logRoll),
                Keep = result.GetValue(_logKeep),
            });
        }
        if (result.GetValue(_metricsPort) is { } port)
        {
            builder.Services.AddMemoSyncMetrics(port, result.GetValue(_metricsAddress)!);
        }
        _dashboard.Configure(builder, result);
        builder.Services.AddHostedService<StartupProbe>();
        builder.Services.AddSystemdIntegration();
    }
}
