using System.Globalization;
using System.Text;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary>
/// The issue's table, as the real <c>memosync</c> child process meets it: lines that once stopped <c>import</c> and
/// <c>record</c> are bad lines and every other line gets through; times keep their offset from export to import; and
/// every file MemoSync writes is its owner's only.
/// </summary>
public sealed class BadInputCommandTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-input-").FullName;

    private string JournalPath => Path.Combine(_dir, "memosync.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string> Settings(RunningEmulator? server = null, string? journal = null) => new()
    {
        ["MEMOBASE_URL"] = server?.Emulator.BaseAddress.ToString() ?? "http://127.0.0.1:9/",
        ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
        ["MEMOSYNC_JOURNAL"] = journal ?? JournalPath,
    };

    private static string Good(int i, string? timestamp = null) =>
        $$"""{"messages": [{"role": "user", "content": "good {{i}}"}, {"role": "assistant", "content": "ok"}], "synced": false, "retry_count": 0, "timestamp": "{{timestamp ?? "2026-12-01T10:00:00"}}"}""";

    /// <summary>Good lines 1-6 with, between them, each line the table names (the invalid UTF-8 one as raw bytes).</summary>
    private static byte[] Mixed()
    {
        var text = new StringBuilder();
        string[] poison =
        [
            """{"messages": [{"role": "user", "content": "x"}], "synced": false, "synced": true, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""",
            """{"messages": [{"role": "user", "content": "x"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00", "session_id": 42}""",
            """{"messages": [{"role": "user", "content": "x"}], "synced": false, "retry_count": 0, "timestamp": "1969-07-20T20:17:00"}""",
            """{"messages": [{"role": "user", "content": "half \ud800"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""",
            """{"messages": [{"role": "user", "content": "x"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00", "user_id": 7}""",
            """{"messages": [{"role": "user", "content": "not UTF-8: @"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""",
        ];
        for (var i = 0; i < poison.Length; i++)
        {
            text.Append(Good(i + 1)).Append('\n').Append(poison[i]).Append('\n');
        }
        text.Append(Good(7)).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        bytes[Array.IndexOf(bytes, (byte)'@')] = 0xC3;
        return bytes;
    }

    private static readonly string[] Reasons =
    [
        "  line 2: synced: given twice",
        "  line 4: session_id: must be a string, got a number",
        "  line 6: timestamp: 1969-07-20T20:17:00 is before 1970",
        "  line 8: messages[0].content: holds half of a UTF-16 surrogate pair (such as \\ud800 alone), which is not text",
        "  line 10: user_id: must be a string, got a number",
        "  line 12: not UTF-8 (bytes C3 at byte 55)",
    ];

    private async Task<string[]> Journal()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath });
        return [.. (await journal.ListAsync(null, 100)).Select(e => $"{e.Turn.UserId}: {e.Turn.Messages[0].Content}")];
    }

    private static readonly string[] GoodSeven = [.. Enumerable.Range(1, 7).Select(i => $"alice: good {i}")];

    [Fact]
    public async Task Import_stores_every_good_line_around_the_lines_that_once_aborted_it_and_names_each_of_those()
    {
        var file = Path.Combine(_dir, "save_data.jsonl");
        await File.WriteAllBytesAsync(file, Mixed());

        var run = await CliRun.InAsync(_dir, Settings(), "", "import", file, "--user", "alice");

        Assert.True(run.Code == 6, run.ToString());
        Assert.Contains("13 lines, 7 turns imported, 0 already in the journal, 6 bad.", run.Out, StringComparison.Ordinal);
        Assert.Equal(Reasons, run.ErrorLines.Select(l => "  " + l));
        Assert.Equal(GoodSeven, await Journal());
    }

    [Fact]
    public async Task Runs_of_bad_lines_name_their_first_20_and_count_the_rest_in_one_sentence_in_import_and_in_record()
    {
        await using var server = await RunningEmulator.StartAsync();
        const string Undated = """{"messages": [{"role": "user", "content": "x"}], "synced": false}""";
        const string Reason = "timestamp: missing or not a date and time";
        var file = Path.Combine(_dir, "save_data.jsonl");
        // Line 1 good, 2-22 bad (one past the 20 named), 23 good, 24-1023 bad.
        await File.WriteAllLinesAsync(file, [Good(1), .. Enumerable.Repeat(Undated, 21), Good(2), .. Enumerable.Repeat(Undated, 1_000)]);
        string[] expected =
        [
            .. Enumerable.Range(2, 21).Select(n => $"line {n}: {Reason}"),
            .. Enumerable.Range(24, 20).Select(n => $"line {n}: {Reason}"),
            $"... and 980 more bad lines in a row, not named here: lines 44-1023; the last: {Reason}",
        ];

        var import = await CliRun.InAsync(_dir, Settings(server, Path.Combine(_dir, "imported.db")), "", "import", file, "--user", "alice");
        var record = await CliRun.InAsync(_dir, Settings(server), "", "record", file, "--user", "alice");

        Assert.True(import.Code == 6, import.ToString());
        Assert.Contains("1023 lines, 2 turns imported, 0 already in the journal, 1021 bad.", import.Out, StringComparison.Ordinal);
        Assert.Equal(expected, import.ErrorLines);
        Assert.True(record.Code == 6, record.ToString());
        Assert.Contains("1023 lines: 2 turns recorded, 0 already in the journal, 1021 bad;", record.Out, StringComparison.Ordinal);
        Assert.Equal(expected, record.ErrorLines);
        Assert.Equal(["alice: good 1", "alice: good 2"], await Journal());
    }

    [Fact]
    public async Task Record_on_a_pipe_goes_on_after_a_bad_line_and_delivers_every_good_one()
    {
        await using var server = await RunningEmulator.StartAsync();

        var run = await CliRun.InAsync(_dir, Settings(server), Mixed(), "record", "--user", "alice");

        Assert.True(run.Code == 6, run.ToString());
        Assert.Contains("13 lines: 7 turns recorded, 0 already in the journal, 6 bad; 0 pending", run.Out, StringComparison.Ordinal);
        Assert.Equal(Reasons, run.ErrorLines.Select(l => "  " + l));
        Assert.Equal(GoodSeven, await Journal());
        Assert.Equal(7L, server.Emulator.GetStats().BlobsReceived);
    }

    [Fact]
    public async Task A_field_the_format_does_not_name_reaches_Memobase_and_is_counted()
    {
        await using var server = await RunningEmulator.StartAsync();
        var input = Good(1)[..^1] + """, "mood": "happy", "sync": true}""" + "\n" + Good(2)[..^1] + """, "mood": "sad"}""" + "\n";

        var run = await CliRun.InAsync(_dir, Settings(server), input, "record", "--user", "alice");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("2 lines: 2 turns recorded, 0 already in the journal, 0 bad", run.Out, StringComparison.Ordinal);
        Assert.Contains("Fields the format does not name were ignored: mood (2 lines), sync (1 line).", run.Out, StringComparison.Ordinal);
        Assert.Equal(2L, server.Emulator.GetStats().BlobsReceived);
    }

    [Fact]
    public async Task A_numeric_user_id_is_a_bad_line_never_a_turn_of_the_user_given_with_user()
    {
        var file = Path.Combine(_dir, "save_data.jsonl");
        await File.WriteAllTextAsync(file, Good(1)[..^1] + """, "user_id": 12345}""" + "\n" + Good(2) + "\n");

        var run = await CliRun.InAsync(_dir, Settings(), "", "import", file, "--user", "alice");

        Assert.True(run.Code == 6, run.ToString());
        Assert.Equal(["line 1: user_id: must be a string, got a number"], run.ErrorLines);
        Assert.Equal(["alice: good 2"], await Journal());
    }

    [Fact]
    public async Task A_line_dated_in_the_future_is_delivered_now_with_its_time_and_its_users_later_turns_follow_at_once()
    {
        await using var server = await RunningEmulator.StartAsync(o => o.PersistentChatBlobs = true);
        var future = DateTimeOffset.Now.AddYears(5);
        var input = Good(1, future.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)) + "\n" + Good(2, DateTimeOffset.Now.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)) + "\n";

        var run = await CliRun.InAsync(_dir, Settings(server), input, "record", "--user", "alice");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("2 turns recorded, 0 already in the journal, 0 bad; 0 pending", run.Out, StringComparison.Ordinal);
        var user = MemobaseUserId.FromUuidOrName("alice");
        var blobs = await server.Client.ListBlobIdsAsync(user, page: 0, pageSize: 10);
        var times = new List<DateTimeOffset>();
        foreach (var blob in blobs)
        {
            var said = (await server.Client.GetBlobAsync(user, blob)).BlobData["messages"]![0]!["created_at"]!.GetValue<string>();
            times.Add(DateTimeOffset.Parse(said, CultureInfo.InvariantCulture));
        }
        Assert.Equal(2, times.Count);
        Assert.Contains(times, t => Math.Abs((t - future).TotalSeconds) < 1);
    }

    [Fact]
    public async Task An_export_written_in_one_time_zone_imports_to_the_same_instants_in_another()
    {
        var file = Path.Combine(_dir, "save_data.jsonl");
        await File.WriteAllTextAsync(file, Good(1, "2024-12-04T10:30:00+08:00") + "\n" + Good(2, "2024-12-04T02:31:00Z") + "\n");
        var shanghai = Settings();
        shanghai["TZ"] = "Asia/Shanghai";
        Assert.Equal(0, (await CliRun.InAsync(_dir, shanghai, "", "import", file, "--user", "alice")).Code);
        var export = Path.Combine(_dir, "export.jsonl");
        var exported = await CliRun.InAsync(_dir, shanghai, "", "export", "-o", export);
        Assert.True(exported.Code == 0, exported.ToString());
        Assert.Contains("\"timestamp\": \"2024-12-04T10:30:00.000000+08:00\"", await File.ReadAllTextAsync(export), StringComparison.Ordinal);

        var newYork = Settings(journal: Path.Combine(_dir, "other.db"));
        newYork["TZ"] = "America/New_York";
        var imported = await CliRun.InAsync(_dir, newYork, "", "import", export);
        Assert.True(imported.Code == 0, imported.ToString());

        await using var other = SqliteJournal.Open(new SqliteJournalOptions { Path = Path.Combine(_dir, "other.db") });
        Assert.Equal([DateTimeOffset.Parse("2024-12-04T02:30:00Z", CultureInfo.InvariantCulture), DateTimeOffset.Parse("2024-12-04T02:31:00Z", CultureInfo.InvariantCulture)],
            (await other.ListAsync(null, 10)).Select(e => e.Turn.Timestamp.ToUniversalTime()).Order());
    }

    [Fact]
    public async Task An_export_file_is_created_readable_by_its_owner_only_and_so_is_one_it_replaces()
    {
        var file = Path.Combine(_dir, "save_data.jsonl");
        await File.WriteAllTextAsync(file, Good(1) + "\n");
        Assert.Equal(0, (await CliRun.InAsync(_dir, Settings(), "", "import", file, "--user", "alice")).Code);

        var export = Path.Combine(_dir, "out", "export.jsonl");
        var run = await CliRun.InAsync(_dir, Settings(), "", "export", "-o", export);
        Assert.True(run.Code == 0, run.ToString());
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(export));

        File.SetUnixFileMode(export, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.Equal(0, (await CliRun.InAsync(_dir, Settings(), "", "export", "-o", export)).Code);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(export));
        Assert.Contains("good 1", await File.ReadAllTextAsync(export), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_daemons_log_files_and_the_ones_it_rolls_to_are_readable_by_their_owner_only()
    {
        await using var server = await RunningEmulator.StartAsync();
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath }))
        {
            await journal.AppendManyAsync([.. Enumerable.Range(0, 30).Select(i =>
                Turn.Create($"user-{i}", null, [new(Memobase.Models.ChatMessage.UserRole, $"turn {i}")], TimeProvider.System))]);
        }
        var logs = Path.Combine(_dir, "logs");
        using var daemon = CliProcess.Start(Settings(server), "run", "--log-file", Path.Combine(logs, "auto_sync.log"), "--log-max-bytes", "1024");
        _ = daemon.StandardOutput.ReadToEndAsync();
        _ = daemon.StandardError.ReadToEndAsync();
        await server.WaitForBlobsAsync(30, TimeSpan.FromSeconds(30));
        await CliProcess.StopAsync(daemon, "INT", TimeSpan.FromSeconds(20));

        var files = Directory.GetFiles(logs);
        Assert.True(files.Length >= 2, $"the log rolled: {string.Join(", ", files)}");
        Assert.All(files, f => Assert.Equal(OwnerOnly, File.GetUnixFileMode(f)));
    }
}
