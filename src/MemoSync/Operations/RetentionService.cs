using MemoSync.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemoSync.Operations;

/// <summary>
/// Purges synced turns older than <see cref="RetentionOptions.Days"/> every <see cref="RetentionOptions.Interval"/>,
/// in small batches with a pause between them, so delivery never waits behind a long delete; nothing without an age.
/// Dead turns stay.
/// </summary>
public sealed partial class RetentionService(IDialogueJournal journal, RetentionOptions options, TimeProvider time, ILogger<RetentionService> logger)
    : BackgroundService
{
    /// <summary>Deletes every synced turn past the age, batch by batch; returns how many.</summary>
    /// <exception cref="InvalidOperationException">No age is set.</exception>
    public async Task<long> PurgeOnceAsync(CancellationToken ct)
    {
        if (options.Days is not ({ } days and > 0))
        {
            throw new InvalidOperationException("No retention age is set: synced turns are kept.");
        }
        var before = time.GetUtcNow() - TimeSpan.FromDays(days);
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
            LogPurged(logger, purged, days);
        }
        return purged;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Days is null or <= 0)
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
