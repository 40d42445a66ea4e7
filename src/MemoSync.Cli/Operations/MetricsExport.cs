using MemoSync.Delivery;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Operations;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MemoSync.Cli.Operations;

/// <summary>
/// The daemon's meters exported for Prometheus on <c>http://127.0.0.1:PORT/metrics</c> (loopback only):
/// <c>MemoSync.Operations</c> (recorded, delivered, failed, dead, latency, journal gauges), <c>MemoSync</c>
/// (the real-time worker's, deferred among them) and <c>MemoSync.Memobase</c> (errors by class).
/// </summary>
internal static class MetricsExport
{
    /// <summary>Counts the journal's traffic (wrapping the registered <see cref="IDialogueJournal"/>) and serves the metrics on <paramref name="port"/>.</summary>
    public static IServiceCollection AddMemoSyncMetrics(this IServiceCollection services, int port)
    {
        var journal = services.Last(d => d.ServiceType == typeof(IDialogueJournal));
        var open = journal.ImplementationFactory ?? throw new InvalidOperationException("AddMemoSync registers the journal through a factory");
        services.Remove(journal);
        services.AddSingleton<JournalMetrics>();
        services.AddSingleton<IDialogueJournal>(sp => new MeteredJournal((IDialogueJournal)open(sp), sp.GetRequiredService<JournalMetrics>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new JournalGauges(sp.GetRequiredService<IDialogueJournal>(), sp.GetRequiredService<TimeProvider>()));
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("memosync")).WithMetrics(metrics => metrics
            .AddMeter(JournalMetrics.MeterName, SyncStatistics.MeterName, MemobaseClientMetrics.MeterName)
            .AddInstrumentation(sp => sp.GetRequiredService<JournalGauges>())
            .AddPrometheusHttpListener(o => { o.Host = "127.0.0.1"; o.Port = port; }));
        return services;
    }
}
