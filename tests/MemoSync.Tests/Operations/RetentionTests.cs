using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MemoSync.Tests.Operations;

/// <summary>Retention: synced turns past the age go, in batches, while delivery goes on; pending and dead turns stay.</summary>
public sealed class RetentionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Only_synced_turns_past_the_age_are_purged_in_batches_of_the_configured_size()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") }, time);
        var old = await SettleAsync(journal, time, synced: 25, dead: 3, pending: 2);
        time.Advance(TimeSpan.FromDays(31));
        var recent = await SettleAsync(journal, time, synced: 4, dead: 0, pending: 0);

        Assert.Equal(25, await journal.CountSyncedBeforeAsync(time.GetUtcNow() - TimeSpan.FromDays(30)));
        Assert.Equal(10, await journal.PurgeSyncedBatchAsync(time.GetUtcNow() - TimeSpan.FromDays(30), 10));
        var retention = new RetentionService(journal, new RetentionOptions { Days = 30, BatchSize = 10, Pause = TimeSpan.Zero }, time, NullLogger<RetentionService>.Instance);
        Assert.Equal(15, await retention.PurgeOnceAsync(CancellationToken.None));

        var status = await journal.GetStatusAsync();
        Assert.Equal((4L, 3L, 2L), (status.Synced, status.Dead, status.Pending));
        Assert.All(old.Where(t => t.State == TurnState.Synced), t => Assert.Null(journal.GetAsync(t.Id).Result));
        Assert.All(old.Where(t => t.State != TurnState.Synced).Concat(recent), t => Assert.NotNull(journal.GetAsync(t.Id).Result));
    }

    [Fact]
    public async Task The_daemon_purges_at_start_and_then_every_interval_what_has_aged_meanwhile()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") }, time);
        await SettleAsync(journal, time, synced: 3, dead: 1, pending: 0);
        time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(30));
        await SettleAsync(journal, time, synced: 2, dead: 0, pending: 0);
        time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        using var retention = new RetentionService(journal, new RetentionOptions { Days = 30, Interval = TimeSpan.FromHours(1) }, time, NullLogger<RetentionService>.Instance);

        await retention.StartAsync(CancellationToken.None);
        await WaitForSyncedAsync(journal, 2);
        // The two recent turns pass 30 days within the hour: the next interval takes them.
        time.Advance(TimeSpan.FromHours(1));
        await WaitForSyncedAsync(journal, 0);
        await retention.StopAsync(CancellationToken.None);

        Assert.Equal(1, (await journal.GetStatusAsync()).Dead);
    }

    private static async Task WaitForSyncedAsync(SqliteJournal journal, long synced)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await journal.GetStatusAsync(0, deadline.Token)).Synced != synced)
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>Records turns and settles them: synced, dead, or left pending.</summary>
    private static async Task<List<(Guid Id, TurnState State)>> SettleAsync(SqliteJournal journal, TimeProvider time, int synced, int dead, int pending)
    {
        var states = Enumerable.Repeat(TurnState.Synced, synced).Concat(Enumerable.Repeat(TurnState.Dead, dead)).Concat(Enumerable.Repeat(TurnState.Pending, pending)).ToList();
        var turns = states.Select((_, i) => Turn.Create($"user-{i}", null, [new(ChatMessage.UserRole, $"turn {i}")], time)).ToList();
        await journal.AppendManyAsync(turns);
        await journal.ClaimDueAsync(1000, new TurnLease("test", TimeSpan.FromMinutes(1)));
        foreach (var (turn, state) in turns.Zip(states))
        {
            if (state == TurnState.Pending)
            {
                continue;
            }
            Assert.True(state == TurnState.Synced
                ? await journal.MarkSyncedAsync(turn.Id, "test", null)
                : await journal.MarkDeadAsync(turn.Id, "test", "refused"));
        }
        return turns.Zip(states, (t, s) => (t.Id, s)).ToList();
    }

    public void Dispose() => _dir.Dispose();
}
