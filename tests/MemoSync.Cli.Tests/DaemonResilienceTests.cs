using System.Diagnostics;
using MemoSync.Emulator;
using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;
using Microsoft.Data.Sqlite;

namespace MemoSync.Cli.Tests;

/// <summary>
/// <c>memosync run</c> as a real child process, through what should not stop it (a journal locked past its busy timeout,
/// answers Memobase never gives) and what must (a damaged journal), on a real SQLite file and the emulator on loopback.
/// </summary>
public sealed class DaemonResilienceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-resilience-").FullName;

    private string JournalPath => Path.Combine(_dir, "memosync.db");

    /// <summary>The daemon, and all it will have printed (standard output and error) once it exits.</summary>
    private (Process Daemon, Task<string> Output) StartDaemon(RunningEmulator server)
    {
        var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOBASE_SYNC_INTERVAL"] = "1",
            ["MEMOSYNC_JOURNAL"] = JournalPath,
        }, "run");
        var (stdout, stderr) = (daemon.StandardOutput.ReadToEndAsync(), daemon.StandardError.ReadToEndAsync());
        return (daemon, Task.WhenAll(stdout, stderr).ContinueWith(t => string.Concat(t.Result), TaskScheduler.Default));
    }

    private async Task<List<Turn>> RecordAsync(int count, string user)
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath });
        var turns = Enumerable.Range(0, count).Select(i => Turn.Create(user, null, [new(ChatMessage.UserRole, $"turn {i}")], TimeProvider.System)).ToList();
        await journal.AppendManyAsync(turns);
        return turns;
    }

    private async Task UntilSyncedAsync(long synced, TimeSpan timeout)
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath });
        using var deadline = new CancellationTokenSource(timeout);
        while ((await journal.GetStatusAsync(0, CancellationToken.None)).Synced < synced)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>Returns once the emulator has injected <paramref name="count"/> faults in all: the daemon met them.</summary>
    private static async Task FaultsAsync(RunningEmulator server, long count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (server.Emulator.GetStats().FaultsInjected < count)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Fact]
    public async Task The_daemon_lives_through_nonsense_answers_and_a_journal_locked_past_its_busy_timeout_and_then_delivers_everything()
    {
        await using var server = await RunningEmulator.StartAsync();
        await RecordAsync(1, "warm-up");
        var (daemon, output) = StartDaemon(server);
        using var _ = daemon;
        await UntilSyncedAsync(1, TimeSpan.FromSeconds(30));

        // Answers Memobase never gives: HTTP 200 with null data, then a proxy's plain-text 404.
        server.Emulator.Faults = new FaultSettings { NullDataRate = 1 };
        await RecordAsync(3, "alice");
        await FaultsAsync(server, 2);
        server.Emulator.Faults = new FaultSettings { ProxyNotFoundRate = 1 };
        await FaultsAsync(server, 4);
        server.Emulator.Faults = new FaultSettings();
        await UntilSyncedAsync(4, TimeSpan.FromSeconds(60));

        // The journal held by another process longer than the daemon's busy timeout (10 s).
        await using (var locker = new SqliteConnection($"Data Source={JournalPath}"))
        {
            await locker.OpenAsync();
            await using var begin = locker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync();
            await Task.Delay(TimeSpan.FromSeconds(12));
            await using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        await RecordAsync(5, "bob");
        await UntilSyncedAsync(9, TimeSpan.FromSeconds(60));

        Assert.False(daemon.HasExited);
        Assert.Equal((9L, 0L), (server.Emulator.GetStats().Users.Sum(u => (long)u.DistinctTurns), server.Emulator.GetStats().Duplicates));
        await CliProcess.StopAsync(daemon, "INT", TimeSpan.FromSeconds(20));
        Assert.Equal(0, daemon.ExitCode);
        var printed = await output;
        Assert.Contains("stayed locked by another process past the busy timeout", printed, StringComparison.Ordinal);
        Assert.Contains("""HTTP 200, errno (null): {"data":null""", printed, StringComparison.Ordinal);
        Assert.Contains("404 page not found", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("NullReferenceException", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_journal_removed_while_the_daemon_runs_stops_it_with_exit_code_5_and_one_sentence_saying_why()
    {
        await using var server = await RunningEmulator.StartAsync();
        await RecordAsync(1, "alice");
        var (daemon, output) = StartDaemon(server);
        using var _ = daemon;
        await UntilSyncedAsync(1, TimeSpan.FromSeconds(30));

        // Removed under the daemon: what others record from now on goes to a new file it would never read.
        File.Delete(JournalPath);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await daemon.WaitForExitAsync(deadline.Token);
        Assert.Equal(5, daemon.ExitCode);
        Assert.Contains($"memosync run: stopped, The journal {JournalPath} was removed while in use", await output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
