using System.Text;
using MemoSync.Journal;
using MemoSync.Journal.Jsonl;

namespace MemoSync.Tests.Journal;

/// <summary>The guide's save_data.jsonl in and out of the journal.</summary>
public sealed class GuideJsonlTests : TempSqliteJournal
{
    private const string Good1 = """{"messages": [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "你好！"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""";
    private const string Good2 = """{"messages": [{"role": "user", "content": "I like tennis"}, {"role": "assistant", "content": "Nice"}], "synced": true, "retry_count": 0, "timestamp": "2024-12-04T10:31:00"}""";
    private const string Good3 = """{"messages": [{"role": "user", "content": "Remind me"}], "synced": false, "retry_count": 5, "timestamp": "2024-12-04T10:32:00", "user_id": "bob", "interrupted": "user_spoke"}""";

    private Task<ImportReport> Import(string text, string? user = "alice") =>
        new GuideJsonlImporter(Journal, new TurnLimits()).ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), user);

    [Fact]
    public async Task Every_good_line_is_imported_and_each_bad_one_is_named_by_number_and_reason()
    {
        var file = string.Join('\n',
            Good1,
            "this is not json",
            """{"messages": [{"role": "system", "content": "be nice"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""",
            Good2,
            """{"synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""",
            """{"messages": [{"role": "user", "content": "hi"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00", "mood": "happy"}""",
            Good3,
            """{"messages": [{"role": "user", "content": "cut of""",
            """{"messages": [{"role": "user", "content": "hi"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00", "interrupted": "bored"}""");

        var report = await Import(file);

        Assert.Equal((9, 4, 0), (report.Lines, report.Imported, report.AlreadyPresent));
        Assert.Equal([2, 3, 5, 8, 9], report.BadLines.Select(b => b.Number));
        Assert.StartsWith("not JSON", report.BadLines[0].Reason, StringComparison.Ordinal);
        Assert.Equal("messages[0].role: must be 'user' or 'assistant', got 'system'", report.BadLines[1].Reason);
        Assert.Equal("messages: missing or not a list", report.BadLines[2].Reason);
        Assert.StartsWith("not JSON", report.BadLines[3].Reason, StringComparison.Ordinal);
        Assert.StartsWith("interrupted: 'bored' is not a turn interruption", report.BadLines[4].Reason, StringComparison.Ordinal);
        Assert.Equal(1, report.UnknownFields["mood"]);
    }

    [Fact]
    public async Task Unsynced_lines_become_pending_turns_and_synced_ones_history()
    {
        await Import(string.Join('\n', Good1, Good2, Good3));

        var status = await Journal.GetStatusAsync();
        Assert.Equal((2L, 1L), (status.Pending, status.Synced));
        var bob = (await Journal.ListAsync(TurnState.Pending, 10)).Single(e => e.Turn.UserId == "bob");
        Assert.Equal(5, bob.RetryCount);
        Assert.Equal(new DateTimeOffset(2024, 12, 4, 10, 32, 0, TimeZoneInfo.Local.GetUtcOffset(new DateTime(2024, 12, 4, 10, 32, 0))), bob.Turn.Timestamp);
    }

    [Fact]
    public async Task Importing_the_same_file_twice_adds_nothing_the_second_time()
    {
        var file = string.Join('\n', Good1, Good2, Good3);
        await Import(file);
        var again = await Import(file.Replace("\"synced\": false, \"retry_count\": 0", "\"synced\": true, \"retry_count\": 0", StringComparison.Ordinal));
        Assert.Equal((0, 3), (again.Imported, again.AlreadyPresent));
        Assert.Equal(3, (await Journal.ListAsync(null, 10)).Count);
    }

    [Fact]
    public async Task Without_a_user_a_line_without_user_id_is_named()
    {
        var report = await Import(string.Join('\n', Good1, Good3), user: null);
        Assert.Equal(1, report.Imported);
        Assert.Equal("user_id: missing, and no --user or USER_ID was given", Assert.Single(report.BadLines).Reason);
    }

    [Fact]
    public async Task An_export_keeps_the_guides_format_so_its_checks_work_and_it_imports_back_to_the_same_turns()
    {
        await Import(string.Join('\n', Good1, Good2, Good3));
        var export = new StringWriter();
        Assert.Equal(3, await new GuideJsonlExporter(Journal).ExportAsync(export, null));
        var lines = export.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, lines.Count(l => l.Contains("\"synced\": false", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("\"content\": \"你好！\"", StringComparison.Ordinal));

        var pendingOnly = new StringWriter();
        Assert.Equal(2, await new GuideJsonlExporter(Journal).ExportAsync(pendingOnly, TurnState.Pending));

        await using var other = SqliteJournal.Open(new SqliteJournalOptions { Path = Dir.File("other.db") });
        var report = await new GuideJsonlImporter(other, new TurnLimits()).ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(export.ToString())), null);
        Assert.Equal((3, 0), (report.Imported, report.BadLines.Count));
        var original = (await Journal.ListAsync(null, 10)).Select(e => (e.Turn.UserId, e.Turn.Timestamp, e.State, e.RetryCount, e.Turn.Interruption, string.Join("|", e.Turn.Messages)));
        var copy = (await other.ListAsync(null, 10)).Select(e => (e.Turn.UserId, e.Turn.Timestamp, e.State, e.RetryCount, e.Turn.Interruption, string.Join("|", e.Turn.Messages)));
        Assert.Contains(copy, c => c.Interruption == TurnInterruption.UserSpoke);
        Assert.Equal(original.OrderBy(x => x.Timestamp), copy.OrderBy(x => x.Timestamp));
    }
}
