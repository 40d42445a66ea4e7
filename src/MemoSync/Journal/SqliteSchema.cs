using Microsoft.Data.Sqlite;

namespace MemoSync.Journal;

/// <summary>The journal's tables, versioned by <c>PRAGMA user_version</c>; each migration moves one version up.</summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        // 1: turns with their sync state. Times are Unix milliseconds so that the due index orders by number.
        // Every index here costs each append a page in the WAL, so there are only those the queries need.
        """
        CREATE TABLE turns (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL,
            session_id TEXT,
            messages TEXT NOT NULL,
            timestamp INTEGER NOT NULL,
            state INTEGER NOT NULL DEFAULT 0,
            retry_count INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT,
            lease_owner TEXT,
            lease_until INTEGER,
            blob_id TEXT,
            synced_at INTEGER);
        -- Content hashes of imported lines, apart so that an ordinary append touches no index of theirs.
        CREATE TABLE imports (hash TEXT PRIMARY KEY, turn_id TEXT NOT NULL) WITHOUT ROWID;
        -- Claiming walks pending turns oldest first here, however many synced turns the file holds; the user
        -- rides along so that a user's earlier pending turn is found in the same walk. There is no index by user:
        -- each commit would then write one leaf per user, which halves what 64 concurrent writers can append.
        CREATE INDEX turns_pending ON turns(seq, user_id) WHERE state = 0;
        CREATE INDEX turns_synced ON turns(synced_at) WHERE state = 1;
        CREATE INDEX turns_errors ON turns(seq) WHERE last_error IS NOT NULL;
        """,
        // 2: why a turn's assistant message stops short, if it does.
        "ALTER TABLE turns ADD COLUMN interruption TEXT;",
        // 3: when this journal took each turn (the latency counts from it, not from an imported line's old time); an attempt
        // whose answer was lost, so the blob is looked for before the turn is sent again; and a user's pending turns, found
        // by an append that leases its turn only when every earlier one of the user is held by the same owner. Version 1 went
        // without an index by user for the appends' sake; this one holds pending turns only, so it stays small while
        // delivery keeps up.
        """
        ALTER TABLE turns ADD COLUMN recorded_at INTEGER;
        ALTER TABLE turns ADD COLUMN unconfirmed INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX turns_user_pending ON turns(user_id, seq) WHERE state = 0;
        """,
        // 4: the trace the turn was recorded in (W3C traceparent), which its delivery continues, in whichever process.
        "ALTER TABLE turns ADD COLUMN trace_parent TEXT;",
        // 5: how far each followed file was read (memosync run --follow), and what tells that it is still the file read.
        """
        CREATE TABLE follow_checkpoints (
            path TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            lines INTEGER NOT NULL,
            file_id TEXT,
            tail_hash TEXT NOT NULL,
            saved_at INTEGER NOT NULL) WITHOUT ROWID;
        """,
    ];

    public static int Version => Migrations.Length;

    /// <summary>Applies the migrations the file lacks; returns its versions before and after.</summary>
    public static (int From, int To) Migrate(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction();
        var current = Convert.ToInt32(Scalar(connection, tx, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
        if (current > Migrations.Length)
        {
            throw new JournalUnavailableException(
                $"The journal {connection.DataSource} has schema version {current}, newer than this MemoSync knows ({Migrations.Length}); it was left untouched.");
        }
        for (var version = current; version < Migrations.Length; version++)
        {
            Execute(connection, tx, Migrations[version]);
            Execute(connection, tx, $"PRAGMA user_version = {version + 1}");
        }
        tx.Commit();
        return (current, Migrations.Length);
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
