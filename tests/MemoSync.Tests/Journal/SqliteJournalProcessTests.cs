using MemoSync.Journal;
using MemoSync.TestSupport;
using Xunit.Abstractions;
using MemoSync.Memobase.Models;
using Microsoft.Data.Sqlite;

namespace MemoSync.Tests.Journal;

/// <summary>The SQLite journal against real processes: killed writers, two claimers, abandoned leases.</summary>
public sealed class SqliteJournalProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Db => _dir.File("memosync.db");

    [Fact]
    public async Task Every_append_that_returned_survives_a_SIGKILL_at_a_random_moment_twenty_times()
    {
        var random = new Random(20261123);
        var acknowledged = new HashSet<Guid>();
        for (var kill = 0; kill < 20; kill++)
        {
            using var writer = new ProbeProcess("append", Db, "8");
            await writer.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
            await Task.Delay(random.Next(20, 300));
            await writer.KillAsync();
            acknowledged.UnionWith(writer.Lines.Where(l => l.Length == 36).Select(Guid.Parse));

            Assert.Equal("ok", IntegrityCheck());
            await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = Db });
            var recorded = (await journal.ListAsync(null, int.MaxValue)).Select(e => e.Turn.Id).ToHashSet();
            var lost = acknowledged.Where(id => !recorded.Contains(id)).ToList();
            Assert.True(lost.Count == 0, $"after kill {kill + 1}, {lost.Count} acknowledged appends are missing");
        }
        Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} appends were acknowledged in 20 runs");
        output.WriteLine($"20 SIGKILLs: {acknowledged.Count} acknowledged appends, none lost; integrity_check ok after each");
    }

    [Fact]
    public async Task Two_processes_claiming_from_one_file_never_hold_the_same_turn()
    {
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = Db }))
        {
            var turns = Enumerable.Range(0, 3000)
                .Select(i => Turn.Create($"user-{i % 300}", null, [new(ChatMessage.UserRole, $"turn {i}")], TimeProvider.System))
                .ToList();
            await journal.AppendManyAsync(turns);
        }

        using var a = new ProbeProcess("claim", Db, "a", "60000");
        using var b = new ProbeProcess("claim", Db, "b", "60000");
        await a.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
        await b.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
        await File.WriteAllTextAsync(Db + ".go", "both are ready");
        Assert.Equal(0, await a.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Equal(0, await b.WaitForExitAsync(TimeSpan.FromSeconds(120)));

        var claims = a.Lines.Concat(b.Lines).Where(l => l.StartsWith("claimed ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
        var twice = claims.GroupBy(c => c[2]).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} turns were claimed by both processes, e.g. {twice.FirstOrDefault()}");
        Assert.Equal(3000, claims.Count);
        var byA = claims.Count(c => c[1] == "a");
        Assert.True(byA > 0 && byA < 3000, $"one process did all the work (a: {byA}, b: {3000 - byA})");
        await using var check = SqliteJournal.Open(new SqliteJournalOptions { Path = Db });
        Assert.Equal(3000, (await check.GetStatusAsync()).Synced);
    }

    [Fact]
    public async Task A_lease_left_by_a_killed_process_is_taken_over_once_it_expires()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = Db });
        var turn = Turn.Create("alice", null, [new(ChatMessage.UserRole, "hello")], TimeProvider.System);
        await journal.AppendAsync(turn);

        using (var holder = new ProbeProcess("hold", Db, "doomed", "1500"))
        {
            await holder.WaitForLineAsync("held", TimeSpan.FromSeconds(30));
            Assert.Contains(turn.Id.ToString(), holder.Lines);
            await holder.KillAsync();
        }
        Assert.Empty((await journal.ClaimDueAsync(10, new TurnLease("survivor", TimeSpan.FromMinutes(1)))).Turns);

        var leaseUntil = (await journal.GetAsync(turn.Id))!.LeaseUntil!.Value;
        await Task.Delay(leaseUntil - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(50));
        Assert.Equal(turn.Id, Assert.Single((await journal.ClaimDueAsync(10, new TurnLease("survivor", TimeSpan.FromMinutes(1)))).Turns).Turn.Id);
    }

    private string IntegrityCheck()
    {
        using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }

    public void Dispose() => _dir.Dispose();
}
