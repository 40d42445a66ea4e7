using System.Text;
using MemoSync.Journal;
using MemoSync.Journal.Jsonl;

namespace MemoSync.Tests.Journal;

/// <summary>
/// The table, import side: every odd line is a bad line named by its number and reason, or a good turn, and
/// never stops the lines around it from being imported.
/// </summary>
public sealed class GuideJsonlBadInputTests : TempSqliteJournal
{

    private static string Good(int i, string extra = "") =>
        $$"""{"messages": [{"role": "user", "content": "good {{i}}"}, {"role": "assistant", "content": "ok"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:3{{i}}:00"{{extra}}}""";

    private Task<ImportReport> Import(byte[] file, string? user = "alice") =>
        new GuideJsonlImporter(Journal, new TurnLimits()).ImportAsync(new MemoryStream(file), user);

    private static byte[] Utf8(params string[] lines) => Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");

    private async Task<string[]> Contents() =>
        [.. (await Journal.ListAsync(null, 100)).Select(e => e.Turn.Messages[0].Content)];

    public static TheoryData<string, string> Poison => new()
    {
        { """{"messages": [{"role": "user", "content": "x"}], "synced": false, "synced": true, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""", "synced: given twice" },
        { """{"messages": [{"role": "user", "content": "x", "role": "assistant"}], "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""", "messages[0].role: given twice" },
        { """{"messages": [{"role": "user", "content": "x"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00", "session_id": 42}""", "session_id: must be a string, got a number" },
        { """{"messages": [{"role": "user", "content": "x"}], "synced": false, "retry_count": 0, "timestamp": "1969-07-20T20:17:00"}""", "timestamp: 1969-07-20T20:17:00 is before 1970" },
        { """{"messages": [{"role": "user", "content": "half \ud800 of a pair"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""", "messages[0].content: holds half of a UTF-16 surrogate pair (such as \\ud800 alone), which is not text" },
        { """{"messages": [{"role": "user", "content": "x"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00", "user_id": 7}""", "user_id: must be a string, got a number" },
        { """{"messages": [{"role": "user", "content": "x"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00", "user_id": null}""", "user_id: must be a string, got null" },
    };

    [Theory]
    [MemberData(nameof(Poison))]
    public async Task A_line_that_made_the_import_abort_or_took_the_wrong_user_is_a_bad_line_and_the_lines_around_it_are_imported(string line, string reason)
    {
        var report = await Import(Utf8(Good(1), Good(2), line, Good(3)));

        Assert.Equal((4, 3, 0), (report.Lines, report.Imported, report.AlreadyPresent));
        var bad = Assert.Single(report.BadLines);
        Assert.Equal((3, reason), (bad.Number, bad.Reason));
        Assert.Equal(["good 1", "good 2", "good 3"], await Contents());
        Assert.All(await Journal.ListAsync(null, 100), e => Assert.Equal("alice", e.Turn.UserId));
    }

    [Fact]
    public async Task Invalid_UTF_8_is_a_bad_line_never_text_with_replacement_characters()
    {
        var broken = Encoding.UTF8.GetBytes(Good(2).Replace("good 2", "good \u0001", StringComparison.Ordinal));
        broken[Array.IndexOf(broken, (byte)1)] = 0xFF;
        byte[] file = [.. Utf8(Good(1)), .. broken, (byte)'\n', .. Utf8(Good(3))];

        var report = await Import(file);

        var bad = Assert.Single(report.BadLines);
        Assert.Equal(2, bad.Number);
        Assert.StartsWith("not UTF-8 (bytes FF at byte ", bad.Reason, StringComparison.Ordinal);
        Assert.Equal(["good 1", "good 3"], await Contents());
    }

    [Fact]
    public async Task A_field_the_format_does_not_name_is_ignored_and_the_turn_imported()
    {
        var report = await Import(Utf8(Good(1, ", \"mood\": \"happy\""), Good(2, ", \"mood\": {\"score\": 3}, \"tags\": []")));

        Assert.Equal((2, 0), (report.Imported, report.BadLines.Count));
        Assert.Equal(["good 1", "good 2"], await Contents());
    }

    [Fact]
    public async Task A_byte_order_mark_and_CRLF_line_ends_are_read_as_the_guides_lines()
    {
        byte[] file = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(string.Join("\r\n", Good(1), "", Good(2), Good(3)) + "\r\n")];

        var report = await Import(file);

        Assert.Equal((4, 3, 0), (report.Lines, report.Imported, report.BadLines.Count));
        Assert.Equal(["good 1", "good 2", "good 3"], await Contents());
    }

    [Fact]
    public async Task A_line_dated_in_the_future_is_due_now_and_holds_back_none_of_its_users_later_turns()
    {
        var future = DateTimeOffset.Now.AddYears(3).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var later = Good(2).Replace("2024-12-04T10:32:00", DateTimeOffset.Now.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await Import(Utf8(Good(1).Replace("2024-12-04T10:31:00", future, StringComparison.Ordinal), later));

        var claimed = await Journal.ClaimDueAsync(10, new TurnLease("test", TimeSpan.FromMinutes(1)));

        Assert.Equal(["good 1", "good 2"], claimed.Turns.Select(e => e.Turn.Messages[0].Content));
        Assert.True(claimed.Turns[0].Turn.Timestamp > DateTimeOffset.Now.AddYears(2), "the line's own time is kept on the turn");
    }
}
