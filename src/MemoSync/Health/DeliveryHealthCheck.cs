using MemoSync.Delivery;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MemoSync.Health;

/// <summary><c>memosync_delivery</c>: the delivery engine runs and is not paused.</summary>
internal sealed class DeliveryHealthCheck(DeliveryEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult((engine.Fatal, engine.PausedUntil) switch
        {
            ({ } why, _) => new HealthCheckResult(context.Registration.FailureStatus, $"Delivery stopped: {why}"),
            (_, { } until) => new HealthCheckResult(context.Registration.FailureStatus,
                $"Delivery is paused until {until:u}: Memobase refused MemoSync's settings (check MEMOBASE_URL and MEMOBASE_TOKEN)."),
            _ => HealthCheckResult.Healthy($"Delivery runs: {engine.Held} turns held."),
        });
}
