namespace MemoSync.Journal;

/// <summary>
/// Opens the PostgreSQL journal for <c>AddMemoSync</c>. MemoSync itself has no PostgreSQL driver: MemoSync.Postgres
/// registers this (<c>AddMemoSyncPostgres</c>), and without it a PostgreSQL location is refused at start.
/// </summary>
internal interface IPostgresJournalOpener
{
    /// <summary>Why <paramref name="connection"/> (a URL or connection string) cannot be used, never with its password; null when it can.</summary>
    string? Check(string connection);

    /// <summary>Opens the journal (creating or migrating its schema).</summary>
    /// <exception cref="JournalUnavailableException">It cannot be opened; the message says where and why.</exception>
    IDialogueJournal Open(string connection, TimeProvider time);
}
