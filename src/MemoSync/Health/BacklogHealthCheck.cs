using MemoSync.Operations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MemoSync.Health;

/// <summary>
/// <c>memosync_backlog</c>: the oldest pending turn has waited less than <see cref="HealthOptions.MaxPendingAge"/>;
/// Degraded when not, since turns are kept and delivered later, but someone should look.
/// </summary>
internal sealed class BacklogHealthCheck(JournalGauges gauges, HealthOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (gauges.Read() is not { } status)
        {
            return Task.FromResult(HealthCheckResult.Degraded("The journal's counts could not be read."));
        }
        var age = gauges.OldestPendingAge();
        var data = new Dictionary<string, object> { ["pending"] = status.Pending, ["dead"] = status.Dead, ["oldest_pending_seconds"] = age.TotalSeconds };
        return Task.FromResult(age > options.MaxPendingAge
            ? HealthCheckResult.Degraded(
                $"The oldest of {status.Pending} pending turns has waited {age.TotalSeconds:0} s, longer than {options.MaxPendingAge.TotalSeconds:0} s.", data: data)
            : HealthCheckResult.Healthy($"{status.Pending} pending turns, the oldest {age.TotalSeconds:0} s old.", data));
    }
}
