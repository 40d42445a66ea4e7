namespace MemoSync.Journal;

/// <summary>
/// How a journal location (<c>MEMOSYNC_JOURNAL</c>, <c>--journal</c>, <see cref="Hosting.MemoSyncOptions.Journal"/>) says
/// its kind: the one place its prefixes are read. PostgreSQL: a <c>postgres://</c> or <c>postgresql://</c> URL, or any
/// text after <c>postgres:</c>; otherwise a SQLite file, after an optional <c>sqlite:</c>.
/// </summary>
internal static class JournalLocationSyntax
{
    /// <summary>The SQLite journal's default file.</summary>
    public const string DefaultPath = "data/memosync.db";

    private const string PostgresPrefix = "postgres:";
    private const string SqlitePrefix = "sqlite:";

    /// <summary>The location of a SQLite file: <paramref name="path"/> is never read as anything else.</summary>
    public static string Sqlite(string path) => SqlitePrefix + path;

    /// <summary>The location of a PostgreSQL database given by a URL or an Npgsql connection string.</summary>
    public static string Postgres(string connection) => PostgresPrefix + connection;

    /// <summary>
    /// Splits a location into the SQLite file (empty: the default) or the PostgreSQL URL or connection string, as
    /// written; whether the latter can be read is for MemoSync.Postgres to say.
    /// </summary>
    public static (string? SqlitePath, string? Postgres) Split(string? location)
    {
        var text = location?.Trim() ?? "";
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return (null, text);
        }
        if (text.StartsWith(PostgresPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return (null, text[PostgresPrefix.Length..]);
        }
        if (text.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase))
        {
            text = text[SqlitePrefix.Length..];
        }
        return (text.Length == 0 ? DefaultPath : text, null);
    }
}
