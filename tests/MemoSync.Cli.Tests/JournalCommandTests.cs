namespace MemoSync.Cli.Tests;

/// <summary><c>memosync import</c> and <c>export</c> as real child processes on a real journal file.</summary>
public sealed class JournalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-cli-").FullName;

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var process = EmulatorCommandTests.Start(args);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task Import_names_bad_lines_imports_the_rest_once_and_export_feeds_the_guides_grep()
    {
        var file = Path.Combine(_dir, "save_data.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            """{"messages": [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "你好！"}], "synced": false, "retry_count": 1, "timestamp": "2024-12-04T10:30:00"}""",
            """{"messages": [{"role": "tool", "content": "x"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""",
            """{"messages": [{"role": "user", "content": "hi"}], "synced": true, "retry_count": 0, "timestamp": "2024-12-04T10:31:00"}""",
        ]);
        var journal = Path.Combine(_dir, "memosync.db");

        var first = await Run("import", file, "--user", "alice", "--journal", journal);
        Assert.Equal(6, first.Code);
        Assert.Contains("2 turns imported", first.Out, StringComparison.Ordinal);
        Assert.Contains("line 2: messages[0].role: must be 'user' or 'assistant', got 'tool'", first.Err, StringComparison.Ordinal);

        var second = await Run("import", file, "--user", "alice", "--journal", journal);
        Assert.Contains("0 turns imported, 2 already in the journal", second.Out, StringComparison.Ordinal);

        var pending = await Run("export", "--state", "pending", "--journal", journal);
        Assert.Equal(0, pending.Code);
        var line = Assert.Single(pending.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"synced\": false, \"retry_count\": 1", line, StringComparison.Ordinal);

        var all = await Run("export", "--journal", journal, "--output", Path.Combine(_dir, "export.jsonl"));
        Assert.Contains("2 turns written", all.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Importing_a_missing_file_or_into_a_file_that_is_not_a_journal_fails_clearly()
    {
        var missing = await Run("import", Path.Combine(_dir, "nope.jsonl"), "--user", "a", "--journal", Path.Combine(_dir, "j.db"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("does not exist", missing.Err, StringComparison.Ordinal);

        var notJournal = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(notJournal, new string('x', 5000));
        var file = Path.Combine(_dir, "save_data.jsonl");
        await File.WriteAllTextAsync(file, "");
        var refused = await Run("import", file, "--user", "a", "--journal", notJournal);
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("not a SQLite database", refused.Err, StringComparison.Ordinal);
        Assert.Equal(new string('x', 5000), await File.ReadAllTextAsync(notJournal));
    }

    [Fact]
    public async Task The_demo_ends_with_every_turn_delivered_exactly_once()
    {
        var demo = await Run("demo", "--turns", "120");
        Assert.True(demo.Code == 0, demo.Out + demo.Err);
        Assert.Contains("All 120 turns reached Memobase exactly once.", demo.Out, StringComparison.Ordinal);
        Assert.Contains("enqueued:        120", demo.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_and_requeue_read_and_change_the_journal()
    {
        var journal = Path.Combine(_dir, "memosync.db");
        var file = Path.Combine(_dir, "save_data.jsonl");
        await File.WriteAllTextAsync(file, """{"messages": [{"role": "user", "content": "hi"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""" + "\n");
        await Run("import", file, "--user", "alice", "--journal", journal);

        var status = await Run("status", "--json", "--journal", journal);
        Assert.Equal(0, status.Code);
        Assert.Contains("\"pending\": 1", status.Out, StringComparison.Ordinal);
        var requeue = await Run("requeue", "--journal", journal);
        Assert.Contains("0 dead turns are pending again.", requeue.Out, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
