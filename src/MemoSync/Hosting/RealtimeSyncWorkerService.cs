using MemoSync.Delivery;
using Microsoft.Extensions.Hosting;

namespace MemoSync.Hosting;

/// <summary>Runs the real-time worker with the host: its lanes start with it, and it drains for <see cref="WorkerOptions.DrainTimeout"/> when the host stops.</summary>
internal sealed class RealtimeSyncWorkerService(RealtimeSyncWorker worker) : IHostedService
{
    /// <summary>Nothing to do: resolving the worker started its lanes.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops taking turns and drains the queue; what is left stays pending in the journal.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => worker.DisposeAsync().AsTask();
}
