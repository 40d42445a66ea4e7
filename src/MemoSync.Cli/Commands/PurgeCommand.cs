using System.CommandLine;
using MemoSync.Cli.Configuration;
using MemoSync.Hosting;
using MemoSync.Operations;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync purge</c>: deletes synced turns past the retention age, in batches, as the daemon does; <c>--dry-run</c> only counts them.</summary>
internal static class PurgeCommand
{
    public static Command Create(CliSettings settings)
    {
        var days = new Option<int?>("--days") { Description = $"Purge turns synced more than this many days ago (default MEMOSYNC_RETENTION_DAYS, or {RetentionOptions.CommandDefaultDays})." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be purged; delete nothing." };
        var command = new Command("purge", "Delete synced turns older than the retention age; pending and dead turns are never purged.") { days, dryRun, settings.Journal };
        command.SetAction(async (result, ct) =>
        {
            var configuration = settings.Load(result);
            var options = MemoSyncOptions.FromConfiguration(configuration).Retention.OrCommandDefault();
            if (result.GetValue(days) is { } given)
            {
                options = options with { Days = given };
            }
            if (options.Days is not ({ } age and >= 1))
            {
                throw new CliFailure(ExitCodes.BadSetting, $"The retention age must be at least 1 day to purge, got {options.Days}.");
            }
            var before = DateTimeOffset.UtcNow - TimeSpan.FromDays(age);
            await using var store = settings.OpenExistingJournal(result);
            if (result.GetValue(dryRun))
            {
                var count = await store.CountSyncedBeforeAsync(before, ct);
                Console.WriteLine($"{count} synced turns were synced before {before:yyyy-MM-dd HH:mm:ss} UTC ({age} days ago) and would be purged; nothing was deleted.");
                return ExitCodes.Ok;
            }
            var purged = await new RetentionService(store, options, TimeProvider.System, NullLogger<RetentionService>.Instance).PurgeOnceAsync(ct);
            Console.WriteLine($"Purged {purged} synced turns synced before {before:yyyy-MM-dd HH:mm:ss} UTC; pending and dead turns were kept.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
