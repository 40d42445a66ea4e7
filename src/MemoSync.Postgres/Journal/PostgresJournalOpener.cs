namespace MemoSync.Journal;

/// <summary>Reads and opens a PostgreSQL location for <c>AddMemoSync</c>, as <see cref="PostgresJournalOptions.FromLocation"/> reads it everywhere else.</summary>
internal sealed class PostgresJournalOpener : IPostgresJournalOpener
{
    public string? Check(string connection)
    {
        try
        {
            _ = PostgresJournalOptions.FromLocation(connection);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    public IDialogueJournal Open(string connection, TimeProvider time) => PostgresJournal.Open(PostgresJournalOptions.FromLocation(connection), time);
}
