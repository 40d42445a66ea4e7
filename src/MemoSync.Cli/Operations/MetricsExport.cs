using System.Net;
using MemoSync.Delivery;
using MemoSync.Memobase;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MemoSync.Cli.Operations;

/// <summary>
/// The daemon's meters exported for Prometheus on <c>http://ADDRESS:PORT/metrics</c>, loopback unless told otherwise:
/// <c>MemoSync</c> (the delivery engine's counts and latency, and the journal's gauges) and <c>MemoSync.Memobase</c> (errors by class).
/// </summary>
internal static class MetricsExport
{
    /// <summary>Where the endpoint listens unless told otherwise.</summary>
    public const string Loopback = "127.0.0.1";

    /// <summary>Why <paramref name="address"/> cannot be listened on, or null when it can: an IP address, or <c>*</c> for all.</summary>
    public static string? ListenError(string? address) => address is "*" || IPAddress.TryParse(address, out _)
        ? null
        : $"--metrics-address must be an IP address of this machine (such as {Loopback}) or * for all of them, got '{address}'";

    /// <summary>Serves the metrics (the journal's gauges are <c>AddMemoSync</c>'s) on <paramref name="address"/>:<paramref name="port"/>.</summary>
    public static IServiceCollection AddMemoSyncMetrics(this IServiceCollection services, int port, string address = Loopback)
    {
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("memosync")).WithMetrics(metrics => metrics
            .AddMeter(SyncStatistics.MeterName, MemobaseClientMetrics.MeterName)
            .AddPrometheusHttpListener(o => { o.Host = address; o.Port = port; }));
        return services;
    }
}
