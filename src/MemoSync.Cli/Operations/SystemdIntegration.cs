using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace MemoSync.Cli.Operations;

/// <summary>Type=notify for <c>memosync run</c>: <c>READY=1</c> once every hosted service started, <c>STOPPING=1</c>, and the watchdog.</summary>
internal static class SystemdIntegration
{
    /// <summary>
    /// Adds systemd's lifetime when systemd started us, or whenever <c>NOTIFY_SOCKET</c> names a socket
    /// (a container's init, or a test standing in for systemd); does nothing otherwise.
    /// </summary>
    public static IServiceCollection AddSystemdIntegration(this IServiceCollection services)
    {
        services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 })
        {
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }
        if (services.Any(s => s.ServiceType == typeof(ISystemdNotifier)))
        {
            services.AddHostedService<SystemdWatchdog>();
        }
        return services;
    }
}
