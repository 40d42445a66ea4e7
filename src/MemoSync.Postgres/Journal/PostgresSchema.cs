using Npgsql;

namespace MemoSync.Journal;

/// <summary>
/// The journal's tables in their schema, versioned in <c>schema_version</c>; each migration moves one
/// version up, in one transaction, under an advisory lock so that daemons starting together migrate once.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The first key of the journal's advisory locks (ASCII "MEMO"); the second is the schema's hash.</summary>
    public const int LockClass = 0x4D454D4F;

    /// <summary>The second key of the migration lock; claims use the schema's hash.</summary>
    private const int MigrationLock = 0;

    private static readonly string[] Migrations =
    [
        // 1: turns with their sync state, as in the SQLite journal; seq is the journal's order.
        """
        CREATE TABLE turns (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id uuid NOT NULL UNIQUE,
            user_id text NOT NULL,
            session_id text,
            messages text NOT NULL,
            timestamp timestamptz NOT NULL,
            state smallint NOT NULL DEFAULT 0,
            retry_count integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL,
            last_error text,
            lease_owner text,
            lease_until timestamptz,
            blob_id uuid,
            synced_at timestamptz);
        CREATE TABLE imports (hash text PRIMARY KEY, turn_id uuid NOT NULL);
        -- Claiming walks pending turns oldest first here, however many synced turns the table holds.
        CREATE INDEX turns_pending ON turns (seq) WHERE state = 0;
        CREATE INDEX turns_synced ON turns (synced_at) WHERE state = 1;
        -- Finds a user's earlier pending turn, which keeps a later one waiting so a user's turns arrive in order.
        CREATE INDEX turns_user_pending ON turns (user_id, seq) WHERE state = 0;
        CREATE INDEX turns_errors ON turns (seq) WHERE last_error IS NOT NULL;
        """,
        // 2: why a turn's assistant message stops short, if it does.
        "ALTER TABLE turns ADD COLUMN interruption text;",
        // 3: when this journal took each turn (the latency counts from it), and an attempt whose answer was lost.
        """
        ALTER TABLE turns ADD COLUMN recorded_at timestamptz;
        ALTER TABLE turns ADD COLUMN unconfirmed boolean NOT NULL DEFAULT false;
        """,
        // 4: the trace the turn was recorded in (W3C traceparent), which its delivery continues, on whichever host.
        "ALTER TABLE turns ADD COLUMN trace_parent text;",
        // 5: how far each followed file was read (memosync run --follow), as in the SQLite journal.
        """
        CREATE TABLE follow_checkpoints (
            path text PRIMARY KEY,
            position bigint NOT NULL,
            lines integer NOT NULL,
            file_id text,
            tail_hash text NOT NULL,
            saved_at timestamptz NOT NULL);
        """,
    ];

    /// <summary>The version this MemoSync writes.</summary>
    public static int Version => Migrations.Length;

    /// <summary>Creates the schema when missing and applies the migrations it lacks; returns the versions before and after.</summary>
    /// <exception cref="JournalUnavailableException">The schema is newer than this MemoSync knows.</exception>
    public static async Task<(int From, int To)> MigrateAsync(NpgsqlDataSource source, string schema, string where, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({LockClass}, {MigrationLock})", ct);
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {Quote(schema)};
            CREATE TABLE IF NOT EXISTS {Quote(schema)}.schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
            """, ct);
        var current = await CurrentAsync(connection, schema, ct);
        Refuse(current, where);
        for (var version = current; version < Migrations.Length; version++)
        {
            await ExecuteAsync(connection, $"SET LOCAL search_path TO {Quote(schema)}; {Migrations[version]}", ct);
            await ExecuteAsync(connection, $"INSERT INTO {Quote(schema)}.schema_version (version) VALUES ({version + 1})", ct);
        }
        await tx.CommitAsync(ct);
        return (current, Migrations.Length);
    }

    /// <summary>The schema's version, 0 when it has no journal.</summary>
    public static async Task<int> CurrentAsync(NpgsqlConnection connection, string schema, CancellationToken ct)
    {
        var table = $"{Quote(schema)}.schema_version";
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
        exists.Parameters.AddWithValue("table", table);
        if (await exists.ExecuteScalarAsync(ct) is not true)
        {
            return 0;
        }
        await using var max = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {table}", connection);
        return (int)(await max.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Throws when <paramref name="current"/> is newer than this MemoSync knows.</summary>
    public static void Refuse(int current, string where)
    {
        if (current > Migrations.Length)
        {
            throw new JournalUnavailableException(
                $"The journal {where} has schema version {current}, newer than this MemoSync knows ({Migrations.Length}); it was left untouched.");
        }
    }

    /// <summary>An identifier quoted for SQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
