using MemoSync.Journal;

namespace MemoSync.Tests.Journal;

/// <summary>Tests on a new SQLite journal in a temporary folder, closed and removed after each test.</summary>
public abstract class TempSqliteJournal : IAsyncLifetime
{
    protected TempDirectory Dir { get; } = new();

    protected SqliteJournal Journal { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Journal = SqliteJournal.Open(new SqliteJournalOptions { Path = Dir.File("memosync.db") });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Journal.DisposeAsync();
        Dir.Dispose();
    }
}
