using System.Globalization;
using System.Text;
using MemoSync.Journal;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary><c>memosync record</c> as a real child process fed through its standard input, against an emulator on loopback.</summary>
public sealed class RecordCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-record-").FullName;

    private string JournalPath => Path.Combine(_dir, "memosync.db");

    private Dictionary<string, string> Settings(RunningEmulator server) => new()
    {
        ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
        ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
        ["MEMOSYNC_JOURNAL"] = JournalPath,
    };

    /// <summary>A line in the guide's format, said now; every third names its own user.</summary>
    private static string Line(int i)
    {
        var user = i % 3 == 0 ? $", \"user_id\": \"carol\"" : "";
        var now = DateTimeOffset.Now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        return $$"""{"messages": [{"role": "user", "content": "问题 {{i}}"}, {"role": "assistant", "content": "answer {{i}}"}], "synced": false, "retry_count": 0, "timestamp": "{{now}}"{{user}}}""";
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public async Task Record_of_5000_turns_with_no_daemon_delivers_them_all_itself_in_each_users_order(int users)
    {
        await using var server = await RunningEmulator.StartAsync(o => o.PersistentChatBlobs = true);
        var input = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            input.AppendLine($$"""{"messages": [{"role": "user", "content": "turn {{i}}"}, {"role": "assistant", "content": "ok"}], "synced": false, "retry_count": 0, "timestamp": "2026-12-01T10:00:00", "user_id": "user-{{i % users}}"}""");
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var run = await CliRun.InAsync(_dir, Settings(server), input.ToString(), "record");
        watch.Stop();

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("5000 turns recorded", run.Out, StringComparison.Ordinal);
        Assert.Contains("0 pending in the journal", run.Out, StringComparison.Ordinal);
        Assert.Equal((5000L, 0L), (server.Emulator.GetStats().BlobsReceived, server.Emulator.GetStats().Duplicates));
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath });
        var recorded = await journal.ListAsync(null, 10_000);
        Assert.All(recorded, e => Assert.Equal(TurnState.Synced, e.State));
        foreach (var user in recorded.GroupBy(e => e.Turn.UserId).Take(3))
        {
            Assert.Equal(user.Select(e => e.Turn.Id), await server.StoredTurnIdsAsync(user.Key));
        }
        Console.WriteLine($"record of 5000 turns of {users} users: {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Record_from_stdin_delivers_every_good_line_exactly_once_and_names_the_bad_ones()
    {
        await using var server = await RunningEmulator.StartAsync(o => o.PersistentChatBlobs = true);
        var input = new StringBuilder();
        for (var i = 1; i <= 30; i++)
        {
            input.AppendLine(Line(i));
            if (i == 10)
            {
                input.AppendLine("""{"messages": [], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00", "sync": true}""");
            }
            if (i == 20)
            {
                input.AppendLine("not json at all");
            }
        }

        var first = await CliRun.InAsync(_dir, Settings(server), input.ToString(), "record", "--user", "alice");

        Assert.True(first.Code == 6, first.ToString());
        Assert.Contains("line 11: messages: a turn needs at least one message", first.Err, StringComparison.Ordinal);
        Assert.Contains("line 22: not JSON", first.Err, StringComparison.Ordinal);
        Assert.Contains("30 turns recorded", first.Out, StringComparison.Ordinal);
        Assert.Contains("synced:          30", first.Out, StringComparison.Ordinal);
        Assert.Contains("latency p50/p95/p99:", first.Out, StringComparison.Ordinal);
        Assert.Equal((30L, 0L), (server.Emulator.GetStats().BlobsReceived, server.Emulator.GetStats().Duplicates));
        Assert.Equal(2, server.Emulator.GetStats().Users.Count);

        // The same lines handed over again (a producer that retried) are recognised, not delivered twice.
        var again = await CliRun.InAsync(_dir, Settings(server), input.ToString(), "record", "--user", "alice");
        Assert.Contains("0 turns recorded, 30 already in the journal, 2 bad", again.Out, StringComparison.Ordinal);
        Assert.Equal((30L, 0L), (server.Emulator.GetStats().BlobsReceived, server.Emulator.GetStats().Duplicates));
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath });
        Assert.Equal((30, 0), ((await journal.GetStatusAsync()).Synced, (await journal.GetStatusAsync()).Pending));
    }

    [Fact]
    public async Task Turns_recorded_while_Memobase_cannot_be_reached_stay_pending_and_the_exit_code_says_so()
    {
        var settings = new Dictionary<string, string> { ["MEMOBASE_URL"] = "http://127.0.0.1:1/", ["MEMOBASE_TOKEN"] = "t", ["MEMOSYNC_JOURNAL"] = JournalPath };

        var run = await CliRun.InAsync(_dir, settings, Line(1) + "\n" + Line(2) + "\n", "record", "--user", "alice");

        Assert.True(run.Code == 3, run.ToString());
        var sentence = Assert.Single(run.ErrorLines);
        Assert.Contains("cannot be reached", sentence, StringComparison.Ordinal);
        Assert.Contains("check MEMOBASE_URL", sentence, StringComparison.Ordinal);
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath });
        Assert.Equal(2, (await journal.GetStatusAsync()).Pending);
    }

    [Fact]
    public async Task A_wrong_token_a_URL_that_is_not_Memobase_or_a_missing_token_is_one_sentence_and_its_exit_code()
    {
        await using var server = await RunningEmulator.StartAsync();
        var url = server.Emulator.BaseAddress.ToString();

        var wrongToken = await CliRun.InAsync(_dir, new(Settings(server)) { ["MEMOBASE_TOKEN"] = "not-the-token" }, "", "record");
        var notMemobase = await CliRun.InAsync(_dir, new(Settings(server)) { ["MEMOBASE_URL"] = url + "elsewhere/" }, "", "record");
        var noToken = await CliRun.InAsync(_dir, new(Settings(server)) { ["MEMOBASE_TOKEN"] = "" }, "", "record");

        Assert.Equal((4, 4, 2), (wrongToken.Code, notMemobase.Code, noToken.Code));
        Assert.Contains("refused the token (HTTP 401): check MEMOBASE_TOKEN", Assert.Single(wrongToken.ErrorLines), StringComparison.Ordinal);
        Assert.Contains("is not a Memobase API (HTTP 404): check MEMOBASE_URL", Assert.Single(notMemobase.ErrorLines), StringComparison.Ordinal);
        Assert.Contains("MEMOBASE_TOKEN is not set", Assert.Single(noToken.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", wrongToken.Out + wrongToken.Err, StringComparison.Ordinal);

        var verbose = await CliRun.InAsync(_dir, new(Settings(server)) { ["MEMOBASE_TOKEN"] = "not-the-token" }, "", "record", "--verbose");
        Assert.Equal(4, verbose.Code);
        Assert.Contains("   at MemoSync.", verbose.Err, StringComparison.Ordinal);
        Assert.Equal(0, server.Emulator.GetStats().BlobsReceived);
    }

    [Fact]
    public async Task Record_stops_on_SIGTERM_while_its_input_is_still_open_and_prints_the_statistics()
    {
        await using var server = await RunningEmulator.StartAsync();
        using var record = CliProcess.StartIn(_dir, Settings(server), "record", "--user", "alice");
        var output = record.StandardOutput.ReadToEndAsync();
        await record.StandardInput.WriteAsync($"{Line(1)}\n{Line(2)}\n{Line(3)}\n");
        await record.StandardInput.FlushAsync();
        await server.WaitForBlobsAsync(3, TimeSpan.FromSeconds(30));

        // The producer has not closed the pipe: the stop must not wait for its next line.
        await CliProcess.StopAsync(record, "TERM", TimeSpan.FromSeconds(15));

        Assert.Equal(0, record.ExitCode);
        var printed = await output;
        Assert.Contains("3 turns recorded", printed, StringComparison.Ordinal);
        Assert.Contains("synced:          3", printed, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
