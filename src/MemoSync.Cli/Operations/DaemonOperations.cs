using System.CommandLine;
using MemoSync.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MemoSync.Cli.Operations;

/// <summary>What <c>memosync run</c> adds for production: systemd notify and watchdog, and the readiness probe.</summary>
internal static class DaemonOperations
{
    /// <summary>Wires the operations parts into the daemon's host.</summary>
    public static void Configure(HostApplicationBuilder builder, ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(result);
        builder.Services.AddHostedService<StartupProbe>();
        builder.Services.AddSystemdIntegration();
    }
}
