using MemoSync.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemoSync.Operations;

/// <summary>
/// Purges synced turns older than <see cref="RetentionOptions.Days"/> every <see cref="RetentionOptions.Interval"/>,
/// in small batches with a pause between them, so delivery never waits behind a long delete. Dead turns stay.
/// </summary>
public sealed partial class RetentionService(IDialogueJournal journal, RetentionOptions options, TimeProvider time, ILogger<RetentionService> logger)
    : BackgroundService
{
    /// <summary>Deletes every synced turn past the age, batch by batch; returns how many.</summary>
    public async Task<long> PurgeOnceAsync(CancellationToken ct)
    {
        var before = time.GetUtcNow() - TimeSpan.FromDays(options.Days);
        long purged = 0;
        while (true)
        {
            var deleted = await journal.PurgeSyncedBatchAsync(before, options.BatchSize, ct);
            purged += deleted;
            if (deleted < options.BatchSize)
            {
                break;
            }
            await Task.Delay(options.Pause, time, ct);
        }
        if (purged > 0)
        {
            LogPurged(logger, purged, options.Days);
        }
        return purged;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Days <= 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Interval, time);
        do
        {
            try
            {
                await PurgeOnceAsync(stoppingToken);
            }
            catch (JournalUnavailableException e)
            {
                // Nothing is lost by waiting: the next interval purges what this one could not.
                LogFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Retention: purged {Count} synced turns older than {Days} days")]
    private static partial void LogPurged(ILogger logger, long count, int days);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "Retention: purge failed, retried at the next interval: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
