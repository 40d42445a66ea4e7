using MemoSync.Memobase;
using MemoSync.Memobase.Errors;
using MemoSync.Operations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MemoSync.Health;

/// <summary><c>memosync_memobase</c>: Memobase answers and accepts the token, within <see cref="HealthOptions.MemobaseTimeout"/>.</summary>
internal sealed class MemobaseHealthCheck(IMemobaseClient client, HealthOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.MemobaseTimeout);
        string problem;
        try
        {
            await client.CheckAccessAsync(timeout.Token);
            return HealthCheckResult.Healthy($"Memobase at {client.ApiRoot} answers and accepts the token.");
        }
        catch (MemobaseException e) when (e.Kind == MemobaseErrorKind.Configuration)
        {
            problem = $"Memobase at {client.ApiRoot} refused MemoSync's settings, so nothing is delivered (check MEMOBASE_URL and MEMOBASE_TOKEN): {e.Message}";
        }
        catch (MemobaseException e)
        {
            problem = $"Memobase at {client.ApiRoot} cannot be reached; turns wait in the journal: {e.Message}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = $"Memobase at {client.ApiRoot} did not answer within {options.MemobaseTimeout.TotalSeconds:0.###} s; turns wait in the journal.";
        }
        return new HealthCheckResult(context.Registration.FailureStatus, problem);
    }
}
