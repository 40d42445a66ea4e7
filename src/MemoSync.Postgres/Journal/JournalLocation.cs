namespace MemoSync.Journal;

/// <summary>
/// Where the journal is, as <c>MEMOSYNC_JOURNAL</c> or <c>--journal</c> say it, and how to open it: a PostgreSQL URL
/// (<c>postgres://user:password@host:port/database</c> or <c>postgresql://…</c>), an Npgsql connection string after
/// <c>postgres:</c>, or a SQLite file (a path, or <c>sqlite:path</c>), which is the default.
/// </summary>
public sealed record JournalLocation
{
    /// <summary>The SQLite journal's default file.</summary>
    public const string DefaultPath = JournalLocationSyntax.DefaultPath;

    private JournalLocation(string? sqlitePath, PostgresJournalOptions? postgres)
    {
        SqlitePath = sqlitePath;
        Postgres = postgres;
    }

    /// <summary>The SQLite file, or null for PostgreSQL.</summary>
    public string? SqlitePath { get; }

    /// <summary>The PostgreSQL journal, or null for SQLite.</summary>
    public PostgresJournalOptions? Postgres { get; }

    /// <summary>Reads a location; empty means the default SQLite file.</summary>
    /// <exception cref="ArgumentException">A PostgreSQL location that cannot be read; the message says why, never the password.</exception>
    public static JournalLocation Parse(string? location) => JournalLocationSyntax.Split(location) switch
    {
        { Postgres: { } connection } => new(null, PostgresJournalOptions.FromLocation(connection)),
        { SqlitePath: var path } => new(path, null),
    };

    /// <summary>Opens the journal (creating or migrating its schema).</summary>
    /// <exception cref="JournalUnavailableException">It cannot be opened; the message says where and why.</exception>
    public IDialogueJournal Open(TimeProvider? time = null) => Postgres is { } postgres
        ? PostgresJournal.Open(postgres, time)
        : SqliteJournal.Open(new SqliteJournalOptions { Path = SqlitePath! }, time);

    /// <summary>
    /// Opens a journal that is there, for a command that only reads or repairs it: where there is none (no SQLite file, no
    /// schema in the database), none is created, and the exception says so, so that a wrong folder or setting is not taken for
    /// an empty journal.
    /// </summary>
    /// <exception cref="JournalUnavailableException">There is no journal at the location, or it cannot be opened.</exception>
    public IDialogueJournal OpenExisting(TimeProvider? time = null)
    {
        if (SqlitePath is { } path && !File.Exists(path))
        {
            throw new JournalUnavailableException($"there is no journal at {this}: nothing was recorded there yet, or MEMOSYNC_JOURNAL (--journal) should name another");
        }
        return Postgres is { } postgres ? PostgresJournal.Open(postgres with { Migrate = false }, time) : Open(time);
    }

    /// <summary>Applies the journal's pending migrations; returns its schema versions before and after.</summary>
    /// <exception cref="JournalUnavailableException">It cannot be reached, or its schema is newer than this MemoSync knows.</exception>
    public async Task<(int From, int To)> MigrateAsync(CancellationToken ct = default)
    {
        if (Postgres is { } postgres)
        {
            return await PostgresJournal.MigrateAsync(postgres, ct);
        }
        return await SqliteJournal.MigrateAsync(SqlitePath!, ct);
    }

    /// <summary>Where the journal is, for people: the full path of the file, or the server without the password.</summary>
    public override string ToString() => Postgres is { } postgres ? PostgresJournal.Describe(postgres) : Path.GetFullPath(SqlitePath!);
}
