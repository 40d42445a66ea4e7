using System.CommandLine;
using MemoSync.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MemoSync.Cli.Operations;

/// <summary>What <c>memosync run</c> adds for production: systemd notify and watchdog, the readiness probe, and the metrics endpoint.</summary>
internal sealed class DaemonOperations
{
    private readonly Option<int?> _metricsPort = new("--metrics-port")
    {
        Description = "Serve Prometheus metrics on http://127.0.0.1:PORT/metrics.",
        Validators = { r => { if (r.GetValueOrDefault<int?>() is < 1 or > 65535) { r.AddError("--metrics-port must be a TCP port (1-65535)"); } } },
    };

    /// <summary>Adds the operations options to <paramref name="command"/>.</summary>
    public static DaemonOperations AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var operations = new DaemonOperations();
        command.Options.Add(operations._metricsPort);
        return operations;
    }

    /// <summary>Wires the operations parts into the daemon's host.</summary>
    public void Configure(HostApplicationBuilder builder, ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(_metricsPort) is { } port)
        {
            builder.Services.AddMemoSyncMetrics(port);
        }
        builder.Services.AddHostedService<StartupProbe>();
        builder.Services.AddSystemdIntegration();
    }
}
