using MemoSync.Delivery;
using Microsoft.Extensions.Hosting;

namespace MemoSync.Hosting;

/// <summary>Runs the delivery engine with the host: it starts with it, and drains for <see cref="DeliveryOptions.DrainTimeout"/> when the host stops.</summary>
internal sealed class DeliveryEngineService(DeliveryEngine engine) : IHostedService
{
    /// <summary>Starts the engine's loop.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        engine.Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops taking turns, finishes what is in flight, and hands the rest back to the journal.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => engine.DrainAsync();
}
