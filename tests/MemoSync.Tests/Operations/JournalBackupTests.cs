using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.Operations;

namespace MemoSync.Tests.Operations;

/// <summary>Backups of the journal with SQLite's online backup API, taken while turns keep being appended.</summary>
public sealed class JournalBackupTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static Turn NewTurn(int i) => Turn.Create($"user-{i % 5}", null, [new(ChatMessage.UserRole, $"turn {i}")], TimeProvider.System);

    [Fact]
    public async Task A_backup_taken_while_turns_are_appended_is_consistent_owner_only_and_opens_as_a_journal()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
        var first = NewTurn(0);
        await journal.AppendAsync(first);
        await journal.AppendManyAsync(Enumerable.Range(1, 199).Select(NewTurn).ToList());
        using var stop = new CancellationTokenSource();
        var appended = 200;
        var appending = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await journal.AppendAsync(NewTurn(appended));
                Interlocked.Increment(ref appended);
            }
        });

        var copied = await JournalBackup.CopyAsync(_dir.File("memosync.db"), _dir.File("backup/memosync-copy.db"));
        await stop.CancelAsync();
        await appending;

        Assert.InRange(copied.Pending, 200, appended);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.File("backup/memosync-copy.db")));
        await using var restored = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("backup/memosync-copy.db") });
        Assert.Equal(first.Messages, (await restored.GetAsync(first.Id))!.Turn.Messages);
    }

    [Fact]
    public async Task A_backup_never_overwrites_an_existing_file()
    {
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") }))
        {
            await journal.AppendAsync(NewTurn(1));
        }
        await File.WriteAllTextAsync(_dir.File("precious.db"), "keep me");

        var refused = await Assert.ThrowsAsync<JournalUnavailableException>(() => JournalBackup.CopyAsync(_dir.File("memosync.db"), _dir.File("precious.db")));

        Assert.Contains("choose a new file", refused.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(_dir.File("precious.db")));
    }

    public void Dispose() => _dir.Dispose();
}
