using System.CommandLine;
using MemoSync.Operations;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync purge</c>: deletes synced turns past the retention age, in batches, as the daemon does; <c>--dry-run</c> only counts them.</summary>
internal static class PurgeCommand
{
    public static Command Create()
    {
        var days = new Option<int?>("--days") { Description = "Purge turns synced more than this many days ago (default MEMOSYNC_RETENTION_DAYS, or 30)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be purged; delete nothing." };
        var journal = JournalOption.Create();
        var command = new Command("purge", "Delete synced turns older than the retention age; pending and dead turns are never purged.") { days, dryRun, journal };
        command.SetAction(async (result, ct) =>
        {
            RetentionOptions options;
            try
            {
                options = RetentionOptions.FromEnvironment(Environment.GetEnvironmentVariable);
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"purge: {e.Message}");
                return 2;
            }
            if (result.GetValue(days) is { } given)
            {
                options = options with { Days = given };
            }
            if (options.Days < 1)
            {
                await Console.Error.WriteLineAsync($"purge: the retention age must be at least 1 day, got {options.Days}");
                return 2;
            }
            var before = DateTimeOffset.UtcNow - TimeSpan.FromDays(options.Days);
            await using var store = JournalOption.Open(result, journal);
            if (result.GetValue(dryRun))
            {
                var count = await store.CountSyncedBeforeAsync(before, ct);
                Console.WriteLine($"{count} synced turns were synced before {before:yyyy-MM-dd HH:mm:ss} UTC ({options.Days} days ago) and would be purged; nothing was deleted.");
                return 0;
            }
            var purged = await new RetentionService(store, options, TimeProvider.System, NullLogger<RetentionService>.Instance).PurgeOnceAsync(ct);
            Console.WriteLine($"Purged {purged} synced turns synced before {before:yyyy-MM-dd HH:mm:ss} UTC; pending and dead turns were kept.");
            return 0;
        });
        return command;
    }
}
