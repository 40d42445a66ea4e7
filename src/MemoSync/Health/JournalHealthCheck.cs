using MemoSync.Journal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MemoSync.Health;

/// <summary><c>memosync_journal</c>: the journal takes writes now, so a turn recorded now is durable.</summary>
internal sealed class JournalHealthCheck(IDialogueJournal journal) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await journal.ProbeWriteAsync(cancellationToken);
            return HealthCheckResult.Healthy("The journal takes writes.");
        }
        catch (JournalUnavailableException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The journal takes no writes: {e.Message}");
        }
    }
}
