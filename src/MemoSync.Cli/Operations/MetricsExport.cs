using MemoSync.Delivery;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Operations;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MemoSync.Cli.Operations;

/// <summary>
/// The daemon's meters exported for Prometheus on <c>http://127.0.0.1:PORT/metrics</c> (loopback only): <c>MemoSync</c>
/// (the delivery engine's counts and latency, and the journal's gauges) and <c>MemoSync.Memobase</c> (errors by class).
/// </summary>
internal static class MetricsExport
{
    /// <summary>Adds the journal's gauges and serves the metrics on <paramref name="port"/>.</summary>
    public static IServiceCollection AddMemoSyncMetrics(this IServiceCollection services, int port)
    {
        services.AddSingleton(sp => new JournalGauges(sp.GetRequiredService<IDialogueJournal>(), sp.GetRequiredService<TimeProvider>()));
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("memosync")).WithMetrics(metrics => metrics
            .AddMeter(SyncStatistics.MeterName, MemobaseClientMetrics.MeterName)
            .AddInstrumentation(sp => sp.GetRequiredService<JournalGauges>())
            .AddPrometheusHttpListener(o => { o.Host = "127.0.0.1"; o.Port = port; }));
        return services;
    }
}
