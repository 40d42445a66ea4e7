using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary><c>memosync run</c> as a real child process against an emulator on loopback.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-run-").FullName;

    [Theory]
    [InlineData(null)]
    [InlineData("Warning")]
    public async Task The_daemon_delivers_every_pending_turn_of_the_journal_and_prints_its_statistics_on_SIGINT(string? level)
    {
        await using var server = await RunningEmulator.StartAsync();
        var journalPath = Path.Combine(_dir, "memosync.db");
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = journalPath }))
        {
            // Recorded a minute ago by a process that is gone: the daemon claims them.
            var past = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-1));
            await journal.AppendManyAsync(Enumerable.Range(0, 40)
                .Select(i => Turn.Create($"user-{i % 4}", null, [new(ChatMessage.UserRole, $"turn {i}"), new(ChatMessage.AssistantRole, "ok")], past))
                .ToList());
        }

        var environment = new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOBASE_SYNC_INTERVAL"] = "1",
            ["MEMOSYNC_JOURNAL"] = journalPath,
        };
        if (level is not null)
        {
            environment["Logging__LogLevel__Default"] = level;
        }
        using var daemon = CliProcess.Start(environment, "run");
        var output = daemon.StandardOutput.ReadToEndAsync();

        await server.WaitForBlobsAsync(40, TimeSpan.FromSeconds(30));
        await CliProcess.StopAsync(daemon, "INT", TimeSpan.FromSeconds(20));

        Assert.Equal(0, daemon.ExitCode);
        var printed = await output;
        Assert.Contains("stopped", printed, StringComparison.Ordinal);
        Assert.Contains("  enqueued:        40", printed, StringComparison.Ordinal);
        Assert.Contains("  synced:          40", printed, StringComparison.Ordinal);
        Assert.Contains("Memobase real-time sync statistics", printed, StringComparison.Ordinal);
        Assert.Contains("success rate:", printed, StringComparison.Ordinal);
        // A line per turn, the guide's, unless the configured level leaves information out.
        Assert.Equal(level is null ? 40 : 0, printed.Split('\n').Count(l => l.EndsWith("attempt 1: Synced", StringComparison.Ordinal)));
        Assert.Equal((40L, 0L), (server.Emulator.GetStats().BlobsReceived, server.Emulator.GetStats().Duplicates));
        await using var after = SqliteJournal.Open(new SqliteJournalOptions { Path = journalPath });
        Assert.Equal(40, (await after.GetStatusAsync()).Synced);
    }

    [Fact]
    public async Task Turns_another_process_records_on_the_same_file_are_sent_within_milliseconds_by_whichever_holds_them_never_by_both()
    {
        await using var server = await RunningEmulator.StartAsync();
        var journalPath = Path.Combine(_dir, "memosync.db");
        var settings = new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = journalPath,
        };
        // The default sync interval, 300 s: only the journal's change signal can bring the daemon a turn sooner.
        using var daemon = CliProcess.Start(settings, "run");
        _ = daemon.StandardOutput.ReadToEndAsync();
        _ = daemon.StandardError.ReadToEndAsync();
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = journalPath }))
        {
            await journal.AppendAsync(Turn.Create("warm-up", null, [new(ChatMessage.UserRole, "hi")], TimeProvider.System));
        }
        await server.WaitForBlobsAsync(1, TimeSpan.FromSeconds(30));

        // import records without delivering: the daemon alone sends these, one after another.
        var file = Path.Combine(_dir, "lines.jsonl");
        for (var i = 0; i < 10; i++)
        {
            await File.WriteAllTextAsync(file, $$"""{"messages": [{"role": "user", "content": "imported {{i}}"}], "synced": false, "retry_count": 0, "timestamp": "2026-12-01T10:00:00"}""" + "\n");
            Assert.Equal(0, (await CliRun.InAsync(_dir, settings, "", "import", file, "--user", "ann")).Code);
        }
        // record delivers too: the daemon and record's own engine take what each claims first.
        var lines = string.Concat(Enumerable.Range(0, 300).Select(i =>
            $$"""{"messages": [{"role": "user", "content": "recorded {{i}}"}], "synced": false, "retry_count": 0, "timestamp": "2026-12-01T10:00:00", "user_id": "user-{{i % 6}}"}""" + "\n"));
        Assert.Equal(0, (await CliRun.InAsync(_dir, settings, lines, "record")).Code);
        await server.WaitForBlobsAsync(311, TimeSpan.FromSeconds(60));
        await CliProcess.StopAsync(daemon, "INT", TimeSpan.FromSeconds(20));

        await using var after = SqliteJournal.Open(new SqliteJournalOptions { Path = journalPath });
        var turns = await after.ListAsync(null, 1000);
        Assert.All(turns, t => Assert.Equal(TurnState.Synced, t.State));
        Assert.Equal((311L, 0L), (server.Emulator.GetStats().BlobsReceived, server.Emulator.GetStats().Duplicates));
        var imported = turns.Where(t => t.Turn.UserId == "ann").Select(t => (t.SyncedAt!.Value - t.RecordedAt).TotalMilliseconds).Order().ToList();
        Console.WriteLine($"imported -> synced by the daemon: median {imported[5]:0} ms, max {imported[^1]:0} ms");
        Assert.True(imported[5] < 100, $"median {imported[5]:0} ms");
    }

    [Fact]
    public async Task A_log_level_that_is_not_one_is_refused_naming_the_setting()
    {
        var run = await CliRun.InAsync(_dir, new Dictionary<string, string>
        {
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = Path.Combine(_dir, "memosync.db"),
            ["Logging__LogLevel__Default"] = "Loud",
        }, "", "run");

        Assert.Equal(2, run.Code);
        Assert.Contains("Logging:LogLevel:Default is 'Loud', not a log level: use Trace, Debug, Information, Warning, Error, Critical, None.", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_daemon_refuses_a_missing_token_with_the_reason()
    {
        using var daemon = CliProcess.Start(new Dictionary<string, string> { ["MEMOSYNC_JOURNAL"] = Path.Combine(_dir, "j.db") }, "run");
        var errors = await daemon.StandardError.ReadToEndAsync();
        await daemon.WaitForExitAsync();
        Assert.Equal(2, daemon.ExitCode);
        Assert.Contains("MEMOBASE_TOKEN is not set", errors, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Out)> RunWithEnvironment(Dictionary<string, string> environment, params string[] args)
    {
        using var process = CliProcess.Start(new Dictionary<string, string>(environment) { ["MEMOSYNC_JOURNAL"] = environment.GetValueOrDefault("MEMOSYNC_JOURNAL", Path.Combine(_dir, "health.db")) }, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output + await errors);
    }

    [Fact]
    public async Task Health_says_which_part_failed_through_its_exit_code()
    {
        await using var server = await RunningEmulator.StartAsync();
        var url = server.Emulator.BaseAddress.ToString();
        var good = new Dictionary<string, string> { ["MEMOBASE_URL"] = url, ["MEMOBASE_TOKEN"] = RunningEmulator.Token };
        // health reads the journal and never creates it.
        await SqliteJournal.Open(new SqliteJournalOptions { Path = Path.Combine(_dir, "health.db") }).DisposeAsync();

        var ok = await RunWithEnvironment(good, "health");
        Assert.True(ok.Code == 0, ok.Out);
        Assert.Contains("journal: ok", ok.Out, StringComparison.Ordinal);

        Assert.Equal(4, (await RunWithEnvironment(new() { ["MEMOBASE_URL"] = url, ["MEMOBASE_TOKEN"] = "wrong" }, "health")).Code);
        server.Emulator.Faults = new Emulator.FaultSettings { Outage = true };
        Assert.Equal(3, (await RunWithEnvironment(good, "health")).Code);
        server.Emulator.Faults = new Emulator.FaultSettings();

        var notJournal = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(notJournal, new string('x', 5000));
        var broken = await RunWithEnvironment(new(good) { ["MEMOSYNC_JOURNAL"] = notJournal }, "health");
        Assert.Equal(5, broken.Code);
        Assert.Contains("not a SQLite database", broken.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_shows_the_profiles_and_context_Memobase_holds()
    {
        await using var server = await RunningEmulator.StartAsync();
        var alice = Memobase.MemobaseUserId.FromName("alice");
        await server.Client.CreateUserAsync(alice);
        await server.Client.AddProfileAsync(alice, "plays tennis", "interest", "sports");

        var shown = await RunWithEnvironment(new() { ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(), ["MEMOBASE_TOKEN"] = RunningEmulator.Token }, "user", "alice");

        Assert.True(shown.Code == 0, shown.Out);
        Assert.Contains($"Memobase user {alice}", shown.Out, StringComparison.Ordinal);
        Assert.Contains("interest::sports: plays tennis", shown.Out, StringComparison.Ordinal);
        Assert.Contains("# Memory", shown.Out, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
