using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace MemoSync.Postgres.Tests;

/// <summary><c>memosync journal copy</c> between a SQLite file and PostgreSQL, as a real child process.</summary>
public sealed class JournalCopyTests : IAsyncLifetime
{
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-copy-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await TestPostgres.DropSchemaAsync(_schema);
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task<(int Code, string Out)> MemosyncAsync(params string[] args)
    {
        using var process = CliProcess.Start(null, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output + await errors);
    }

    private static List<object> States(IEnumerable<JournalEntry> entries) =>
        entries.Select(e => (object)(e.Turn.Id, e.Turn.UserId, e.Turn.Timestamp, string.Join("|", e.Turn.Messages), e.State, e.RetryCount, e.NextAttemptAt, e.LastError, e.BlobId, e.SyncedAt)).ToList();

    /// <summary>A SQLite journal holding 1,200 turns: synced, pending after failures, and dead.</summary>
    private async Task<List<JournalEntry>> RecordAsync(string path)
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = path }, _time);
        var turns = Enumerable.Range(0, 1200).Select(i =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(3));
            return Turn.Create($"user-{i % 9}", $"session-{i % 4}", [new(ChatMessage.UserRole, $"第 {i} 句"), new(ChatMessage.AssistantRole, "好的")], _time);
        }).ToList();
        await journal.AppendManyAsync(turns);
        foreach (var (entry, i) in (await journal.ClaimDueAsync(300, new TurnLease("w", TimeSpan.FromMinutes(1)))).Turns.Select((e, i) => (e, i)))
        {
            _ = (i % 3) switch
            {
                0 => await journal.MarkSyncedAsync(entry.Turn.Id, "w", Guid.NewGuid()),
                1 => await journal.ReleaseAsync(entry.Turn.Id, "w", new FailedAttempt(_time.GetUtcNow().AddMinutes(5), "HTTP 503")),
                _ => await journal.MarkDeadAsync(entry.Turn.Id, "w", "Unable to parse blob"),
            };
        }
        return [.. await journal.ListAsync(null, int.MaxValue)];
    }

    [Fact]
    public async Task Turns_copied_from_sqlite_to_postgres_and_back_keep_their_state_and_a_second_copy_adds_nothing()
    {
        var sqlite = Path.Combine(_dir, "memosync.db");
        var original = await RecordAsync(sqlite);
        var postgres = TestPostgres.Location(_schema);

        var first = await MemosyncAsync("journal", "copy", "--from", sqlite, "--to", postgres);
        Assert.True(first.Code == 0, first.Out);
        Assert.Contains("1200 turns read, 1200 added", first.Out, StringComparison.Ordinal);
        var again = await MemosyncAsync("journal", "copy", "--from", "sqlite:" + sqlite, "--to", postgres);
        Assert.Contains("1200 turns read, 0 added, 1200 already there", again.Out, StringComparison.Ordinal);

        var back = Path.Combine(_dir, "back.db");
        var returned = await MemosyncAsync("journal", "copy", "--from", postgres, "--to", back);
        Assert.True(returned.Code == 0, returned.Out);

        await using (var inPostgres = PostgresJournal.Open(TestPostgres.Options(_schema)))
        {
            Assert.Equal(States(original), States(await inPostgres.ListAsync(null, int.MaxValue)));
        }
        await using var inSqlite = SqliteJournal.Open(new SqliteJournalOptions { Path = back });
        Assert.Equal(States(original), States(await inSqlite.ListAsync(null, int.MaxValue)));
    }

    [Fact]
    public async Task A_copy_interrupted_after_some_pages_is_finished_by_running_it_again()
    {
        var sqlite = Path.Combine(_dir, "memosync.db");
        var original = await RecordAsync(sqlite);
        await using (var destination = PostgresJournal.Open(TestPostgres.Options(_schema)))
        {
            // What a copy killed after its first two pages of 250 had committed.
            await destination.AddEntriesAsync(original.Take(500).ToList());
        }

        var resumed = await MemosyncAsync("journal", "copy", "--from", sqlite, "--to", TestPostgres.Location(_schema), "--page", "250");

        Assert.True(resumed.Code == 0, resumed.Out);
        Assert.Contains("1200 turns read, 700 added, 500 already there", resumed.Out, StringComparison.Ordinal);
        await using var copied = PostgresJournal.Open(TestPostgres.Options(_schema));
        Assert.Equal(States(original), States(await copied.ListAsync(null, int.MaxValue)));
    }

    [Fact]
    public async Task Lines_imported_before_a_copy_are_not_imported_again_after_it_even_when_their_turns_were_purged()
    {
        var (sqlite, postgres, file) = (Path.Combine(_dir, "memosync.db"), TestPostgres.Location(_schema), Path.Combine(_dir, "save_data.jsonl"));
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, 600).Select(i =>
            $$"""{"messages": [{"role": "user", "content": "第 {{i}} 句"}], "synced": {{(i % 2 == 0 ? "true" : "false")}}, "retry_count": 0, "timestamp": "2024-12-04T10:{{i / 60:00}}:{{i % 60:00}}"}"""));
        var imported = await MemosyncAsync("import", file, "--user", "alice", "--journal", sqlite);
        Assert.True(imported.Code == 0, imported.Out);
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = sqlite }))
        {
            // The synced half leaves the journal, as retention would take it.
            Assert.Equal(300, await journal.PurgeSyncedAsync(DateTimeOffset.UtcNow));
        }

        var copied = await MemosyncAsync("journal", "copy", "--from", sqlite, "--to", postgres, "--page", "250");
        Assert.True(copied.Code == 0, copied.Out);
        Assert.Contains("300 turns read, 300 added, 0 already there; 600 import marks added", copied.Out, StringComparison.Ordinal);

        var again = await MemosyncAsync("import", file, "--user", "alice", "--journal", postgres);
        Assert.Contains("0 turns imported, 600 already in the journal", again.Out, StringComparison.Ordinal);
        await using var inPostgres = PostgresJournal.Open(TestPostgres.Options(_schema));
        var status = await inPostgres.GetStatusAsync();
        Assert.Equal((300L, 0L), (status.Pending, status.Synced));
    }

    [Fact]
    public async Task Migrate_creates_the_postgres_journal_and_says_its_schema_version()
    {
        var first = await MemosyncAsync("migrate", "--journal", TestPostgres.Location(_schema));
        Assert.True(first.Code == 0, first.Out);
        Assert.Contains($"schema version 0 -> {PostgresJournal.SchemaVersion}", first.Out, StringComparison.Ordinal);
        Assert.Contains("nothing to do", (await MemosyncAsync("migrate", "--journal", TestPostgres.Location(_schema))).Out, StringComparison.Ordinal);
        var status = await MemosyncAsync("status", "--json", "--journal", TestPostgres.Location(_schema));
        Assert.True(status.Code == 0, status.Out);
        Assert.Contains("\"pending\": 0", status.Out, StringComparison.Ordinal);
    }
}
