using Microsoft.Extensions.Hosting;

namespace MemoSync.Operations;

/// <summary>Creates the journal's gauges when the host starts, so a listener of the <c>MemoSync</c> meter sees them from the first scrape.</summary>
internal sealed class JournalGaugesService : IHostedService
{
    // Being resolved is what creates the gauges; nothing is left to do at start or stop.
    public JournalGaugesService(JournalGauges gauges) => ArgumentNullException.ThrowIfNull(gauges);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
