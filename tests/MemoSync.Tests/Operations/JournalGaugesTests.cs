using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.Operations;
using MemoSync.Tests.Journal;
using Microsoft.Extensions.Time.Testing;

namespace MemoSync.Tests.Operations;

/// <summary>The journal's gauges show the journal as it is when they are read, not as the read before found it.</summary>
public sealed class JournalGaugesTests : TempSqliteJournal
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_read_shows_the_turns_appended_since_the_counts_were_last_read()
    {
        using var gauges = new JournalGauges(Journal, _time);
        await AppendAsync(3);

        Assert.Equal(3, gauges.Read()?.Pending);

        await AppendAsync(2);
        Assert.Equal(3, gauges.Read()?.Pending);
        _time.Advance(gauges.MaxAge);
        Assert.Equal(5, gauges.Read()?.Pending);
    }

    private Task AppendAsync(int turns) => Journal.AppendManyAsync(
        [.. Enumerable.Range(0, turns).Select(i => Turn.Create("alice", null, [new(ChatMessage.UserRole, $"turn {i}")], _time))]);
}
