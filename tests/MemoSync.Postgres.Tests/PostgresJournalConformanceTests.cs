using MemoSync.Journal;
using MemoSync.TestSupport;

namespace MemoSync.Postgres.Tests;

/// <summary>The PostgreSQL journal against the conformance suite, each test in a schema of its own.</summary>
public sealed class PostgresJournalConformanceTests : JournalConformanceTests
{
    private readonly string _schema = TestPostgres.NewSchema();

    protected override Task<IDialogueJournal> OpenAsync() =>
        Task.FromResult<IDialogueJournal>(PostgresJournal.Open(TestPostgres.Options(_schema), Time));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await TestPostgres.DropSchemaAsync(_schema);
    }
}
