namespace MemoSync.Journal;

/// <summary>
/// The statements the SQLite and PostgreSQL journals share, written once in the SQL both speak (parameters as
/// <c>@name</c>). What each dialect does its own way (claims, locks, batch inserts, the change signal, counting by user)
/// stays with its journal. Times are bound as each journal stores them: Unix milliseconds in SQLite, timestamptz in PostgreSQL.
/// </summary>
internal static class JournalSql
{
    /// <summary>A turn's columns, in the order both journals read them.</summary>
    public const string Columns =
        "id, user_id, session_id, messages, timestamp, state, retry_count, next_attempt_at, last_error, lease_until, blob_id, synced_at, seq, interruption, recorded_at, unconfirmed, trace_parent";

    /// <summary>Where an outcome may be written: the turn is still pending and leased to the one reporting it.</summary>
    private const string HeldBy = "WHERE id = @id AND state = 0 AND lease_owner = @owner";

    /// <summary>The lease given up and the turn due at <c>@now</c> with no retry charged: how a person's requeue leaves it.</summary>
    private const string Requeued = "SET state = 0, retry_count = 0, next_attempt_at = @now, lease_owner = NULL, lease_until = NULL";

    /// <summary>Synced turns synced before <c>@before</c>: what retention deletes.</summary>
    private const string SyncedBefore = "FROM turns WHERE state = 1 AND synced_at < @before";

    public const string MarkSynced = $"""
        UPDATE turns SET state = 1, synced_at = @now, blob_id = @blob, lease_owner = NULL, lease_until = NULL, last_error = NULL, unconfirmed = false
        {HeldBy}
        """;

    public const string Release = $"""
        UPDATE turns SET retry_count = retry_count + @charge, next_attempt_at = @next, last_error = @error, unconfirmed = unconfirmed OR @unknown,
                         lease_owner = NULL, lease_until = NULL
        {HeldBy}
        """;

    public const string MarkDead = $"UPDATE turns SET state = 2, last_error = @reason, lease_owner = NULL, lease_until = NULL {HeldBy}";

    /// <summary>A write that changes nothing: it fails where a write would (a read-only database, one without the privilege to write).</summary>
    public const string ProbeWrite = "UPDATE turns SET state = state WHERE 1 = 0";

    public const string RequeueDead = $"UPDATE turns {Requeued} WHERE state = 2";

    public const string RequeueDeadOfUser = $"UPDATE turns {Requeued} WHERE state = 2 AND user_id = @user";

    public const string Requeue = $"UPDATE turns {Requeued} WHERE id = @id AND state IN (0, 2)";

    public const string PurgeSynced = $"DELETE {SyncedBefore}";

    public const string PurgeSyncedBatch = $"DELETE FROM turns WHERE seq IN (SELECT seq {SyncedBefore} ORDER BY synced_at LIMIT @max)";

    public const string CountSyncedBefore = $"SELECT count(*) {SyncedBefore}";

    public const string Get = $"SELECT {Columns} FROM turns WHERE id = @id";

    /// <summary>Turns in state <c>@state</c>, or all when it is null, oldest first.</summary>
    public const string List = $"SELECT {Columns} FROM turns WHERE @state IS NULL OR state = @state ORDER BY seq LIMIT @limit";

    /// <summary>The turns of <c>@user</c> in state <c>@state</c>, or all when it is null, newest first.</summary>
    public const string ListUserTurns = $"SELECT {Columns} FROM turns WHERE user_id = @user AND (@state IS NULL OR state = @state) ORDER BY seq DESC LIMIT @limit";

    /// <summary>
    /// Per user whose lowered id is <c>LIKE @pattern</c> (all when it is null): counts by state, the last <c>synced_at</c> and the
    /// oldest pending <c>timestamp</c>, sorted by <paramref name="sort"/> (absent times last), then by id; at most <c>@limit</c>.
    /// </summary>
    public static string Users(UserSort sort, bool descending) => $"""
        SELECT user_id, count(*) FILTER (WHERE state = 0), count(*) FILTER (WHERE state = 1), count(*) FILTER (WHERE state = 2),
               max(synced_at), min(timestamp) FILTER (WHERE state = 0)
        FROM turns WHERE @pattern IS NULL OR lower(user_id) LIKE @pattern ESCAPE '!'
        GROUP BY user_id ORDER BY {(int)sort + 1} {(descending ? "DESC" : "ASC")} NULLS LAST, 1 LIMIT @limit
        """;

    public const string ListAfter = $"SELECT {Columns} FROM turns WHERE seq > COALESCE((SELECT seq FROM turns WHERE id = @after), 0) ORDER BY seq LIMIT @limit";

    public const string OldestPending = "SELECT min(timestamp) FROM turns WHERE state = 0";

    /// <summary>The <c>@n</c> latest turns that failed and are not synced, newest first.</summary>
    public const string RecentErrors = $"SELECT {Columns} FROM turns WHERE last_error IS NOT NULL AND state <> 1 ORDER BY seq DESC LIMIT @n";

    public const string GetFollowCheckpoint = "SELECT position, lines, file_id, tail_hash FROM follow_checkpoints WHERE path = @path";

    public const string SaveFollowCheckpoint = """
        INSERT INTO follow_checkpoints (path, position, lines, file_id, tail_hash, saved_at) VALUES (@path, @position, @lines, @file, @tail, @now)
        ON CONFLICT (path) DO UPDATE SET position = excluded.position, lines = excluded.lines, file_id = excluded.file_id,
                                         tail_hash = excluded.tail_hash, saved_at = excluded.saved_at
        """;

    /// <summary>The place of the journal's last turn, 0 when it has none.</summary>
    public const string LastSeq = "SELECT COALESCE(max(seq), 0) FROM turns";
}
