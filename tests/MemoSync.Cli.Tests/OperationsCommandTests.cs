using MemoSync.Journal;
using MemoSync.Memobase.Models;
using Microsoft.Extensions.Time.Testing;

namespace MemoSync.Cli.Tests;

/// <summary><c>memosync status --check/--watch</c> and <c>memosync purge</c> as real child processes on a journal whose content is known.</summary>
public sealed class OperationsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-ops-").FullName;

    private string JournalPath => Path.Combine(_dir, "memosync.db");

    private Dictionary<string, string> Environment => new() { ["MEMOSYNC_JOURNAL"] = JournalPath };

    /// <summary>Fills the journal: synced turns from 40 days ago, then dead and pending turns from now.</summary>
    private async Task FillAsync(int oldSynced, int dead, int pending)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-40));
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath }, time);
        for (var i = 0; i < oldSynced + dead + pending; i++)
        {
            if (i == oldSynced)
            {
                time.SetUtcNow(DateTimeOffset.UtcNow);
            }
            var turn = Turn.Create($"user-{i}", null, [new(ChatMessage.UserRole, $"turn {i}")], time);
            await journal.AppendAsync(turn);
            if (i < oldSynced + dead)
            {
                await journal.ClaimDueAsync(100, new TurnLease("test", TimeSpan.FromMinutes(1)));
                Assert.True(i < oldSynced ? await journal.MarkSyncedAsync(turn.Id, "test", null) : await journal.MarkDeadAsync(turn.Id, "test", "errno 400: refused"));
            }
        }
    }

    [Fact]
    public async Task Status_check_exits_non_zero_with_the_reason_when_too_many_turns_are_unsynced()
    {
        await FillAsync(oldSynced: 0, dead: 0, pending: 12);

        var unhealthy = await CliRun.InAsync(_dir, Environment, "", "status", "--check", "--max-pending", "10");
        var healthy = await CliRun.InAsync(_dir, Environment, "", "status", "--check", "--max-pending", "20");

        Assert.Equal(8, unhealthy.Code);
        Assert.Contains("UNHEALTHY: too many unsynced turns: 12 pending > --max-pending 10", unhealthy.Out, StringComparison.Ordinal);
        Assert.True(healthy.Code == 0, healthy.ToString());
        Assert.Contains("OK: 12 pending, 0 dead", healthy.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_check_counts_a_dead_turn_as_unhealthy_unless_allowed()
    {
        await FillAsync(oldSynced: 0, dead: 1, pending: 0);

        var unhealthy = await CliRun.InAsync(_dir, Environment, "", "status", "--check");

        Assert.Equal(8, unhealthy.Code);
        Assert.Contains("dead turns wait for a person: 1 dead > --max-dead 0", unhealthy.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await CliRun.InAsync(_dir, Environment, "", "status", "--check", "--max-dead", "1")).Code);
    }

    [Fact]
    public async Task Status_watch_shows_counts_and_the_latest_errors_at_each_refresh()
    {
        await FillAsync(oldSynced: 3, dead: 1, pending: 2);

        var watch = await CliRun.InAsync(_dir, Environment, "", "status", "--watch", "--refreshes", "2", "--interval", "0.2");

        Assert.True(watch.Code == 0, watch.ToString());
        Assert.Contains("│ 2       │ 3      │ 1    │", watch.Out, StringComparison.Ordinal);
        Assert.Contains("errno 400: refused", watch.Out, StringComparison.Ordinal);
        Assert.Contains("give --metrics-port", watch.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_dry_run_shows_what_would_go_and_purge_deletes_only_old_synced_turns()
    {
        await FillAsync(oldSynced: 7, dead: 2, pending: 3);

        var dryRun = await CliRun.InAsync(_dir, Environment, "", "purge", "--dry-run");
        Assert.True(dryRun.Code == 0, dryRun.ToString());
        Assert.Contains("7 synced turns were synced before", dryRun.Out, StringComparison.Ordinal);
        Assert.Contains("nothing was deleted", dryRun.Out, StringComparison.Ordinal);
        Assert.StartsWith("0 synced turns", (await CliRun.InAsync(_dir, Environment, "", "purge", "--dry-run", "--days", "41")).Out, StringComparison.Ordinal);
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath }))
        {
            Assert.Equal(7, (await journal.GetStatusAsync()).Synced);
        }

        var purge = await CliRun.InAsync(_dir, Environment, "", "purge");

        Assert.True(purge.Code == 0, purge.ToString());
        Assert.Contains("Purged 7 synced turns", purge.Out, StringComparison.Ordinal);
        await using var after = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath });
        var status = await after.GetStatusAsync();
        Assert.Equal((0L, 2L, 3L), (status.Synced, status.Dead, status.Pending));
    }

    [Fact]
    public async Task Journal_backup_writes_a_checked_copy_that_status_reads()
    {
        await FillAsync(oldSynced: 2, dead: 1, pending: 4);
        var copy = Path.Combine(_dir, "backups", "memosync.db");

        var backup = await CliRun.InAsync(_dir, Environment, "", "journal", "backup", copy);

        Assert.True(backup.Code == 0, backup.ToString());
        Assert.Contains("4 pending, 2 synced, 1 dead; integrity ok", backup.Out, StringComparison.Ordinal);
        Assert.Contains("OK: 4 pending, 1 dead", (await CliRun.InAsync(_dir, new Dictionary<string, string> { ["MEMOSYNC_JOURNAL"] = copy }, "", "status", "--check", "--max-dead", "1")).Out, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
