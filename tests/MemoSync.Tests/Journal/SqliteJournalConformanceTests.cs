using MemoSync.Journal;
using MemoSync.TestSupport;

namespace MemoSync.Tests.Journal;

/// <summary>The SQLite journal against the conformance suite, each test on a fresh file.</summary>
public sealed class SqliteJournalConformanceTests : JournalConformanceTests
{
    private readonly TempDirectory _dir = new();

    protected override Task<IDialogueJournal> OpenAsync() =>
        Task.FromResult<IDialogueJournal>(SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") }, Time));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }
}
