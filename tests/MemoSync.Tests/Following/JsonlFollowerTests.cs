using System.Text;
using MemoSync.Following;
using MemoSync.Journal;
using MemoSync.Journal.Jsonl;
using MemoSync.Tests.Journal;
using Microsoft.Extensions.Logging.Testing;

namespace MemoSync.Tests.Following;

/// <summary>One follower's looks at a real file, recorded in a real SQLite journal; each look is made by the test, so nothing waits on time.</summary>
public sealed class JsonlFollowerTests : TempSqliteJournal
{
    private readonly FakeLogger _log = new();
    private int _wakeUps;

    private string File => Dir.File("save_data.jsonl");

    private JsonlFollower Follower() =>
        new(File, Journal, new GuideJsonlImporter(Journal, new TurnLimits()), "ann", () => _wakeUps++, _log);

    /// <summary>Turn <paramref name="n"/> as the guide's DialogueLogger writes it.</summary>
    private static string Line(int n, bool synced = false) =>
        $$"""{"messages": [{"role": "user", "content": "第{{n}}轮"}, {"role": "assistant", "content": "turn {{n}}"}], "synced": {{(synced ? "true" : "false")}}, "retry_count": 0, "timestamp": "2024-12-04T10:00:{{n:00}}"}""" + "\n";

    private async Task<List<string>> RecordedAsync() =>
        (await Journal.ListAsync(null, 100)).Select(e => e.Turn.Messages[1].Content).ToList();

    private int Logged(int eventId) => _log.Collector.GetSnapshot().Count(r => r.Id.Id == eventId);

    [Fact]
    public async Task A_half_written_last_line_waits_for_its_newline_and_is_recorded_once_it_has_come()
    {
        using var follower = Follower();
        var second = Encoding.UTF8.GetBytes(Line(1));
        await System.IO.File.WriteAllTextAsync(File, Line(0));
        await using (var app = new FileStream(File, FileMode.Append))
        {
            await app.WriteAsync(second.AsMemory(0, 40));
        }

        await follower.LookAsync(CancellationToken.None);
        await follower.LookAsync(CancellationToken.None);

        Assert.Equal(["turn 0"], await RecordedAsync());
        Assert.Equal(Encoding.UTF8.GetByteCount(Line(0)), (await Journal.GetFollowCheckpointAsync(File))!.Position);
        await using (var app = new FileStream(File, FileMode.Append))
        {
            await app.WriteAsync(second.AsMemory(40));
        }
        await follower.LookAsync(CancellationToken.None);

        Assert.Equal(["turn 0", "turn 1"], await RecordedAsync());
        Assert.Equal(0, Logged(8002));
        Assert.Equal(2, _wakeUps);
    }

    [Fact]
    public async Task A_follower_started_again_goes_on_from_the_checkpoint_in_the_journal_without_reading_a_line_twice()
    {
        await System.IO.File.WriteAllTextAsync(File, Line(0) + "{not json\n");
        using (var first = Follower())
        {
            await first.LookAsync(CancellationToken.None);
        }
        await System.IO.File.AppendAllTextAsync(File, Line(1));

        using var again = Follower();
        await again.LookAsync(CancellationToken.None);

        Assert.Equal(["turn 0", "turn 1"], await RecordedAsync());
        // The bad line was read once: line 2, logged by the first follower only.
        Assert.Equal(1, Logged(8002));
        Assert.Contains($"{File} line 2: not JSON", _log.Collector.GetSnapshot().Single(r => r.Id.Id == 8002).Message, StringComparison.Ordinal);
        Assert.Equal(3, (await Journal.GetFollowCheckpointAsync(File))!.Lines);
        Assert.Equal(0, Logged(8005));
    }

    [Fact]
    public async Task The_guides_rewrite_flipping_synced_flags_records_nothing_again_and_a_line_appended_after_it_is_recorded()
    {
        using var follower = Follower();
        await System.IO.File.WriteAllTextAsync(File, Line(0) + Line(1) + Line(2));
        await follower.LookAsync(CancellationToken.None);

        // As the guide marks turns synced: the whole file written again in place, each line a byte shorter, and here by a
        // json.dumps that escapes what is not ASCII and leaves out the spaces.
        static string Rewritten(int n) => Line(n, synced: true).Replace("第", "\\u7b2c", StringComparison.Ordinal).Replace("轮", "\\u8f6e", StringComparison.Ordinal)
            .Replace(": ", ":", StringComparison.Ordinal).Replace(", ", ",", StringComparison.Ordinal);
        await System.IO.File.WriteAllTextAsync(File, Rewritten(0) + Rewritten(1) + Rewritten(2) + Line(3));
        await follower.LookAsync(CancellationToken.None);

        Assert.Equal(["turn 0", "turn 1", "turn 2", "turn 3"], await RecordedAsync());
        Assert.Equal(1, Logged(8005));
        Assert.All(await Journal.ListAsync(null, 100), e => Assert.Equal(TurnState.Pending, e.State));
    }

    [Fact]
    public async Task A_truncated_file_is_read_from_its_start()
    {
        using var follower = Follower();
        await System.IO.File.WriteAllTextAsync(File, Line(0) + Line(1));
        await follower.LookAsync(CancellationToken.None);

        await System.IO.File.WriteAllTextAsync(File, Line(2));
        await follower.LookAsync(CancellationToken.None);

        Assert.Equal(["turn 0", "turn 1", "turn 2"], await RecordedAsync());
        Assert.Equal(Encoding.UTF8.GetByteCount(Line(2)), (await Journal.GetFollowCheckpointAsync(File))!.Position);
    }

    [Fact]
    public async Task After_a_rotation_the_rest_of_the_old_file_is_read_before_the_new_file()
    {
        using var follower = Follower();
        await System.IO.File.WriteAllTextAsync(File, Line(0));
        await follower.LookAsync(CancellationToken.None);

        System.IO.File.Move(File, File + ".1");
        await System.IO.File.AppendAllTextAsync(File + ".1", Line(1));
        // The new file already holds more than the old one was read to: only its identity tells it is another.
        await System.IO.File.WriteAllTextAsync(File, Line(2) + Line(3));
        await follower.LookAsync(CancellationToken.None);

        Assert.Equal(["turn 0", "turn 1", "turn 2", "turn 3"], await RecordedAsync());
        Assert.Equal((1, 0), (Logged(8003), Logged(8005)));
    }

    [Fact]
    public async Task A_file_replaced_while_nobody_followed_it_is_read_from_its_start()
    {
        await System.IO.File.WriteAllTextAsync(File, Line(0));
        using (var first = Follower())
        {
            await first.LookAsync(CancellationToken.None);
        }
        System.IO.File.Move(File, File + ".1");
        await System.IO.File.WriteAllTextAsync(File, Line(1) + Line(2));

        using var again = Follower();
        await again.LookAsync(CancellationToken.None);

        Assert.Equal(["turn 0", "turn 1", "turn 2"], await RecordedAsync());
        Assert.Equal(1, Logged(8004));
    }

    [Fact]
    public async Task A_missing_file_is_waited_for()
    {
        using var follower = Follower();
        await follower.LookAsync(CancellationToken.None);
        await System.IO.File.WriteAllTextAsync(File, Line(0));

        await follower.LookAsync(CancellationToken.None);

        Assert.Equal(["turn 0"], await RecordedAsync());
    }
}
