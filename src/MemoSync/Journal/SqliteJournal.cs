using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using static SQLitePCL.raw;

namespace MemoSync.Journal;

/// <summary>
/// The embedded journal: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a committed
/// append is on disk. Concurrent writes (appends, claims, outcomes) share one commit (group commit)
/// and each caller returns once its own write is durable. Several processes may share the file;
/// leases keep them from delivering the same turn, and an expired lease lets another take over.
/// </summary>
public sealed class SqliteJournal : IDialogueJournal
{
    private const int MaxBatch = 1024;

    private readonly string _connectionString;
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly TurnValidator _validator;
    private readonly SqliteConnection _writer;
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private readonly GroupCommitWriter<SqliteGroupedWrite> _writes;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly int _busyMs;
    private readonly TimeSpan _changePoll;

    private SqliteJournal(SqliteJournalOptions options, TimeProvider time)
    {
        _path = Path.GetFullPath(options.Path);
        _time = time;
        _validator = new TurnValidator(options.Limits);
        _busyMs = (int)options.BusyTimeout.TotalMilliseconds;
        _changePoll = options.ChangePoll;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)options.BusyTimeout.TotalSeconds),
        }.ToString();
        _writer = Open();
        _writes = new GroupCommitWriter<SqliteGroupedWrite>(Commit, (write, e) => e is SqliteException or IOException ? Unavailable(_path, write.What, e) : e,
            write => write.Weight, MaxBatch);
    }

    /// <summary>Opens the journal, creating the file (readable by its owner only) and migrating its schema.</summary>
    /// <exception cref="JournalUnavailableException">The file is not a SQLite database, is corrupted, or cannot be written; it is left untouched.</exception>
    public static SqliteJournal Open(SqliteJournalOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Path.GetFullPath(options.Path);
        Prepare(path, options.BusyTimeout);
        try
        {
            return new SqliteJournal(options, time ?? TimeProvider.System);
        }
        catch (SqliteException e)
        {
            throw Unavailable(path, "cannot be opened", e);
        }
    }

    /// <summary>Creates the file when missing and applies the migrations it lacks (opening does this too); returns its schema versions before and after.</summary>
    /// <exception cref="JournalUnavailableException">The file is not a SQLite database, is corrupted, cannot be written, or has a newer schema.</exception>
    public static Task<(int From, int To)> MigrateAsync(string path, CancellationToken ct = default) =>
        Task.Run(() => Prepare(Path.GetFullPath(path), new SqliteJournalOptions().BusyTimeout), ct);

    private static (int From, int To) Prepare(string path, TimeSpan busyTimeout)
    {
        try
        {
            CreateOwnerOnly(path);
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds}");
            Execute(connection, "PRAGMA journal_mode = WAL");
            return SqliteSchema.Migrate(connection);
        }
        catch (Exception e) when (e is SqliteException or UnauthorizedAccessException or IOException and not JournalUnavailableException)
        {
            throw Unavailable(path, "cannot be opened", e);
        }
    }

    // Created before SQLite opens it, so it is never readable by others; SQLite gives -wal and -shm the same mode.
    private static void CreateOwnerOnly(string path) => Operations.OwnerOnlyFile.Ensure(path);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, $"PRAGMA busy_timeout = {_busyMs}; PRAGMA synchronous = FULL");
        return connection;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // ---- writes: group commit

    /// <summary>Durable commits of writes so far; fewer than the writes when callers shared commits.</summary>
    internal long Commits => _writes.Commits;

    /// <inheritdoc />
    public Task AppendAsync(Turn turn, CancellationToken ct = default) => AppendManyAsync([turn], ct);

    /// <inheritdoc />
    public Task AppendManyAsync(IReadOnlyList<Turn> turns, CancellationToken ct = default)
    {
        var rows = _validator.Rows(turns);
        return Grouped(tx =>
        {
            foreach (var row in rows)
            {
                Insert(tx, row, lease: null).ExecuteNonQuery();
            }
            return rows.Count;
        }, ct, "could not record the turn", rows.Count, oneStatement: rows.Count == 1);
    }

    /// <inheritdoc />
    public Task<long?> AppendLeasedAsync(Turn turn, TurnLease lease, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var row = _validator.Rows([turn])[0];
        return Grouped(tx =>
        {
            using var reader = Insert(tx, row, lease).ExecuteReader();
            return reader.Read() && !reader.IsDBNull(1) ? reader.GetInt64(0) : (long?)null;
        }, ct, "could not record the turn");
    }

    /// <summary>
    /// The insert of a recorded turn, due at once. With a lease, the turn is leased in the same statement when every
    /// earlier pending turn of its user is held by the lease's owner: then nobody else can be delivering one of them.
    /// </summary>
    private SqliteCommand Insert(SqliteTransaction tx, TurnRow row, TurnLease? lease)
    {
        var now = Now();
        return Prepared(tx, """
            INSERT OR IGNORE INTO turns (id, user_id, session_id, messages, timestamp, next_attempt_at, interruption, recorded_at, lease_owner, lease_until,
                                         trace_parent)
            SELECT $id, $user, $session, $messages, $timestamp, $now, $interruption, $now, iif(free, $owner, NULL), iif(free, $until, NULL), $trace
            FROM (SELECT $owner IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM turns WHERE user_id = $user AND state = 0 AND (lease_owner IS NOT $owner OR lease_until <= $now)) AS free)
            RETURNING seq, lease_owner
            """, ("$id", row.Id.ToString()), ("$user", row.UserId), ("$session", row.SessionId), ("$messages", row.Messages),
            ("$timestamp", row.Timestamp.ToUnixTimeMilliseconds()), ("$interruption", row.Interruption), ("$trace", row.TraceParent), ("$now", now),
            ("$owner", lease?.Owner), ("$until", lease is null ? null : now + (long)lease.Duration.TotalMilliseconds));
    }

    /// <summary>
    /// Applies <paramref name="apply"/> in the next group commit, beside the appends, claims and outcomes of every other
    /// caller, and returns its result once that commit is durable: one flush for them all.
    /// </summary>
    private async Task<T> Grouped<T>(Func<SqliteTransaction, T> apply, CancellationToken ct, string what = "failed", int weight = 1, bool oneStatement = true)
    {
        var result = default(T)!;
        var write = new SqliteGroupedWrite(tx => result = apply(tx), what, weight, oneStatement);
        await _writes.WriteAsync(write, ct);
        if (write.Failure is SqliteException e)
        {
            throw Unavailable(_path, what, e);
        }
        if (write.Failure is { } other)
        {
            ExceptionDispatchInfo.Throw(other);
        }
        return result;
    }

    /// <summary>
    /// One transaction for the batch, begun immediate, so the clock each write reads (a lease's start, say) is read with
    /// the write lock held.
    /// </summary>
    private async Task Commit(IReadOnlyList<SqliteGroupedWrite> writes)
    {
        await _writeGate.WaitAsync();
        try
        {
            using var tx = _writer.BeginTransaction(deferred: false);
            foreach (var write in writes)
            {
                write.ApplyIn(tx);
            }
            tx.Commit();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>A statement on the writer's connection, prepared once and kept: the writes run the same few again and again.</summary>
    private SqliteCommand Prepared(SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            _prepared[sql] = command;
        }
        command.Transaction = tx;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    // ---- claims and outcomes

    /// <inheritdoc />
    public Task<ClaimedTurns> ClaimDueAsync(int max, TurnLease lease, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentNullException.ThrowIfNull(lease);
        return Grouped(tx =>
        {
            // The walk and the lease are one step in a transaction holding the write lock, so two processes never pick the same turns.
            var now = Now();
            var (due, nextDue) = DueTurns(tx, max, now, lease.Owner);
            if (due.Count == 0)
            {
                return new ClaimedTurns([], nextDue);
            }
            // A turn still named for an owner (whose lease ran out) may have been sent by it: its outcome is unknown.
            // RETURNING has no ORDER BY: the claimed rows are put back in the journal's order.
            var claimed = Read(Prepared(tx, $"""
                UPDATE turns SET lease_owner = $owner, lease_until = $until, unconfirmed = unconfirmed OR lease_owner IS NOT NULL
                WHERE seq IN (SELECT value FROM json_each($seqs))
                RETURNING {JournalSql.Columns}
                """, ("$owner", lease.Owner), ("$until", now + (long)lease.Duration.TotalMilliseconds),
                ("$seqs", JsonSerializer.Serialize(due, SeqJsonContext.Default.ListInt64)))).OrderBy(e => e.Seq).ToList();
            return new ClaimedTurns(claimed, nextDue);
        }, ct, weight: max, oneStatement: false);
    }

    /// <summary>
    /// Walks pending turns oldest first and picks up to <paramref name="max"/> that are due and free. A turn that is waiting
    /// (backing off, or leased by another owner) holds back its user's later turns, so a user's turns go out in order;
    /// turns <paramref name="owner"/> holds are passed over inside SQLite (a draining engine holds a thousand, and would
    /// otherwise read each back at every claim). Also finds when the earliest turn left waiting falls due.
    /// </summary>
    private (List<long> Due, DateTimeOffset? NextDue) DueTurns(SqliteTransaction tx, int max, long now, string owner)
    {
        var command = Prepared(tx, """
            SELECT seq, user_id, max(next_attempt_at, iif(lease_until > $now, lease_until, 0))
            FROM turns WHERE state = 0 AND NOT COALESCE(lease_owner = $owner AND lease_until > $now, 0) ORDER BY seq
            """, ("$now", now), ("$owner", owner));
        using var reader = command.ExecuteReader();
        var due = new List<long>();
        var heldBack = new HashSet<string>(StringComparer.Ordinal);
        long? next = null;
        while (reader.Read())
        {
            var user = reader.GetString(1);
            if (heldBack.Contains(user))
            {
                continue;
            }
            var dueAt = reader.GetInt64(2);
            if (dueAt > now)
            {
                heldBack.Add(user);
                next = Math.Min(next ?? long.MaxValue, dueAt);
            }
            else if (due.Count == max)
            {
                next = now;
                break;
            }
            else
            {
                due.Add(reader.GetInt64(0));
            }
        }
        return (due, next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    /// <inheritdoc />
    public Task<IReadOnlySet<Guid>> RenewAsync(IReadOnlyCollection<Guid> turnIds, TurnLease lease, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Grouped<IReadOnlySet<Guid>>(tx =>
        {
            using var reader = Prepared(tx, """
                UPDATE turns SET lease_until = $until
                WHERE id IN (SELECT value FROM json_each($ids)) AND state = 0 AND lease_owner = $owner
                RETURNING id
                """, ("$until", Now() + (long)lease.Duration.TotalMilliseconds), ("$ids", Ids(turnIds)), ("$owner", lease.Owner)).ExecuteReader();
            var held = new HashSet<Guid>();
            while (reader.Read())
            {
                held.Add(Guid.Parse(reader.GetString(0)));
            }
            return held;
        }, ct, weight: turnIds.Count, oneStatement: false);
    }

    /// <inheritdoc />
    public Task<int> UnleaseAsync(IReadOnlyCollection<Guid> turnIds, string owner, CancellationToken ct = default) => Grouped(tx => Prepared(tx, """
        UPDATE turns SET lease_owner = NULL, lease_until = NULL
        WHERE id IN (SELECT value FROM json_each($ids)) AND state = 0 AND lease_owner = $owner
        """, ("$ids", Ids(turnIds)), ("$owner", owner)).ExecuteNonQuery(), ct, weight: turnIds.Count);

    private static string Ids(IEnumerable<Guid> ids) => JsonSerializer.Serialize(ids.Select(id => id.ToString()), SeqJsonContext.Default.IEnumerableString);

    /// <inheritdoc />
    public Task<bool> MarkSyncedAsync(Guid turnId, string owner, Guid? blobId, CancellationToken ct = default) => Change(JournalSql.MarkSynced,
        ct, ("@id", turnId.ToString()), ("@owner", owner), ("@blob", blobId?.ToString()), ("@now", Now()));

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(Guid turnId, string owner, FailedAttempt attempt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return Change(JournalSql.Release, ct, ("@id", turnId.ToString()), ("@owner", owner), ("@charge", attempt.ChargeRetry ? 1 : 0),
            ("@next", attempt.NextAttemptAt.ToUnixTimeMilliseconds()), ("@error", attempt.Failure), ("@unknown", attempt.OutcomeUnknown));
    }

    /// <inheritdoc />
    public Task<bool> MarkDeadAsync(Guid turnId, string owner, string reason, CancellationToken ct = default) => Change(JournalSql.MarkDead, ct, ("@id", turnId.ToString()), ("@owner", owner), ("@reason", reason));

    /// <inheritdoc />
    public Task ProbeWriteAsync(CancellationToken ct = default) => Grouped(tx => Prepared(tx, JournalSql.ProbeWrite).ExecuteNonQuery(), ct);

    /// <inheritdoc />
    public Task<int> RequeueDeadAsync(CancellationToken ct = default) => Grouped(tx => Prepared(tx, JournalSql.RequeueDead, ("@now", Now())).ExecuteNonQuery(), ct);

    /// <inheritdoc />
    public Task<int> RequeueDeadAsync(string userId, CancellationToken ct = default) =>
        Grouped(tx => Prepared(tx, JournalSql.RequeueDeadOfUser, ("@now", Now()), ("@user", userId)).ExecuteNonQuery(), ct);

    /// <inheritdoc />
    public Task<bool> RequeueAsync(Guid turnId, CancellationToken ct = default) => Change(JournalSql.Requeue, ct, ("@id", turnId.ToString()), ("@now", Now()));

    /// <inheritdoc />
    public Task<int> PurgeSyncedAsync(DateTimeOffset syncedBefore, CancellationToken ct = default) =>
        Grouped(tx => Prepared(tx, JournalSql.PurgeSynced, ("@before", syncedBefore.ToUnixTimeMilliseconds())).ExecuteNonQuery(), ct);

    /// <inheritdoc />
    public async Task<int> PurgeSyncedBatchAsync(DateTimeOffset syncedBefore, int maxTurns, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTurns);
        var deleted = await Write(c =>
        {
            // The batch's commit must not also copy the WAL into the database while holding the write gate...
            Execute(c, "PRAGMA wal_autocheckpoint = 0");
            try
            {
                return Execute(c, JournalSql.PurgeSyncedBatch, ("@before", syncedBefore.ToUnixTimeMilliseconds()), ("@max", maxTurns));
            }
            finally
            {
                Execute(c, "PRAGMA wal_autocheckpoint = 1000");
            }
        }, ct);
        // ...so the copy happens here, beside appends and deliveries (a passive checkpoint takes no write lock),
        // and the WAL a large purge writes never makes one of their commits pay for it.
        await Run(c => Execute(c, "PRAGMA wal_checkpoint(PASSIVE)"), ct);
        return deleted;
    }

    /// <inheritdoc />
    public Task<long> CountSyncedBeforeAsync(DateTimeOffset syncedBefore, CancellationToken ct = default) => Run(c =>
    {
        using var count = Command(c, JournalSql.CountSyncedBefore, ("@before", syncedBefore.ToUnixTimeMilliseconds()));
        return (long)count.ExecuteScalar()!;
    }, ct);

    // ---- reads

    /// <inheritdoc />
    public Task<JournalEntry?> GetAsync(Guid turnId, CancellationToken ct = default) =>
        Run(c => Read(c, JournalSql.Get, ("@id", turnId.ToString())).SingleOrDefault(), ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ListAsync(TurnState? state, int limit, CancellationToken ct = default) =>
        Run<IReadOnlyList<JournalEntry>>(c => Read(c, JournalSql.List, ("@state", (int?)state), ("@limit", limit)), ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ListUserTurnsAsync(string userId, TurnState? state, int limit, CancellationToken ct = default) =>
        Run<IReadOnlyList<JournalEntry>>(c => Read(c, JournalSql.ListUserTurns, ("@user", userId), ("@state", (int?)state), ("@limit", limit)), ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<UserSummary>> ListUsersAsync(UserQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Run<IReadOnlyList<UserSummary>>(c =>
        {
            using var command = Command(c, JournalSql.Users(query.Sort, query.Descending), ("@pattern", query.Pattern), ("@limit", query.Limit));
            using var reader = command.ExecuteReader();
            var users = new List<UserSummary>();
            while (reader.Read())
            {
                users.Add(new UserSummary(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), Time(reader, 4), Time(reader, 5)));
            }
            return users;
        }, ct);
    }

    private static DateTimeOffset? Time(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column));

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ListAfterAsync(Guid? after, int limit, CancellationToken ct = default) =>
        Run<IReadOnlyList<JournalEntry>>(c => Read(c, JournalSql.ListAfter, ("@after", after?.ToString()), ("@limit", limit)), ct);

    /// <inheritdoc />
    public Task<JournalStatus> GetStatusAsync(int recentErrors = 10, CancellationToken ct = default) => Run(c =>
    {
        var users = new List<UserTurnCounts>();
        using (var command = Command(c, """
            SELECT user_id, SUM(state = 0), SUM(state = 1), SUM(state = 2) FROM turns GROUP BY user_id ORDER BY user_id
            """))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                users.Add(new UserTurnCounts(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
        }
        using var oldest = Command(c, JournalSql.OldestPending);
        var oldestPending = oldest.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        var errors = Read(c, JournalSql.RecentErrors, ("@n", recentErrors))
            .Select(e => new TurnError(e.Turn.Id, e.Turn.UserId, e.State, e.RetryCount, e.LastError!))
            .ToList();
        return new JournalStatus(users.Sum(u => u.Pending), users.Sum(u => u.Synced), users.Sum(u => u.Dead), oldestPending, users, errors);
    }, ct);

    // ---- change signal

    /// <inheritdoc />
    /// <remarks>
    /// SQLite tells a connection when any other one committed (<c>PRAGMA data_version</c>, read from shared memory, no
    /// disk read); only then is the journal's last turn looked up. So the look every <see cref="SqliteJournalOptions.ChangePoll"/>
    /// costs next to nothing while nobody writes.
    /// </remarks>
    public Task<long> WaitForNewTurnsAsync(long after, Func<long> known, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(known);
        return Task.Run(async () =>
        {
            using var connection = Open();
            using var version = Command(connection, "PRAGMA data_version");
            using var last = Command(connection, JournalSql.LastSeq);
            long? seen = null;
            while (true)
            {
                if (!File.Exists(_path))
                {
                    // Removed under us: what others record goes to a new file this process would never read, and its own
                    // writes to one nobody will. Only opening the journal again mends that.
                    throw new JournalUnavailableException($"The journal {_path} was removed while in use; it must be opened again.", isDamaged: true);
                }
                var now = (long)version.ExecuteScalar()!;
                if (now != seen)
                {
                    seen = now;
                    var newest = (long)last.ExecuteScalar()!;
                    if (newest > after && newest > known())
                    {
                        return newest;
                    }
                    after = Math.Max(after, newest);
                }
                // Paced by the real clock, not the journal's TimeProvider: it is how often to look, not a time that a turn keeps.
                await Task.Delay(_changePoll, ct);
            }
        }, ct);
    }

    // ---- import

    /// <inheritdoc />
    public Task<int> ImportAsync(IReadOnlyList<ImportedTurn> lines, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var valid = lines.Select(l => l with { Turn = _validator.Validate(l.Turn) }).ToList();
        return Grouped(tx =>
        {
            var (added, now) = (0, Now());
            foreach (var line in valid)
            {
                var turn = line.Turn;
                if (MarkImported(tx, new ImportMark(line.ContentHash, turn.Id)) == 0)
                {
                    continue;
                }
                var row = TurnRow.Of(turn);
                var at = row.Timestamp.ToUnixTimeMilliseconds();
                // Due now whatever the line's time says: a line dated in the future must not hold its user's turns back.
                added += Prepared(tx, """
                    INSERT INTO turns (id, user_id, session_id, messages, timestamp, next_attempt_at, recorded_at, state, retry_count, synced_at, interruption)
                    VALUES ($id, $user, $session, $messages, $at, $now, $now, $state, $retries, $synced, $interruption)
                    """, ("$id", row.Id.ToString()), ("$user", row.UserId), ("$session", row.SessionId), ("$messages", row.Messages),
                    ("$at", at), ("$now", now), ("$state", line.Synced ? 1 : 0), ("$retries", line.RetryCount), ("$synced", line.Synced ? at : null),
                    ("$interruption", row.Interruption)).ExecuteNonQuery();
            }
            return added;
        }, ct, "could not import", valid.Count, oneStatement: false);
    }

    /// <inheritdoc />
    public Task<int> AddEntriesAsync(IReadOnlyList<JournalEntry> entries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rows = entries.Select(e => (Entry: e, Row: TurnRow.Of(_validator.Validate(e.Turn)))).ToList();
        return Grouped(tx =>
        {
            var added = 0;
            foreach (var (entry, row) in rows)
            {
                added += Prepared(tx, """
                    INSERT OR IGNORE INTO turns (id, user_id, session_id, messages, timestamp, state, retry_count, next_attempt_at, last_error, blob_id, synced_at,
                                                 interruption, recorded_at, unconfirmed, trace_parent)
                    VALUES ($id, $user, $session, $messages, $at, $state, $retries, $next, $error, $blob, $synced, $interruption, $recorded, $unconfirmed, $trace)
                    """, ("$id", row.Id.ToString()), ("$user", row.UserId), ("$session", row.SessionId), ("$messages", row.Messages),
                    ("$at", row.Timestamp.ToUnixTimeMilliseconds()), ("$state", (int)entry.State), ("$retries", entry.RetryCount),
                    ("$next", entry.NextAttemptAt.ToUnixTimeMilliseconds()), ("$error", entry.LastError), ("$blob", entry.BlobId?.ToString()),
                    ("$synced", entry.SyncedAt?.ToUnixTimeMilliseconds()), ("$interruption", row.Interruption),
                    ("$recorded", entry.RecordedAt == default ? null : entry.RecordedAt.ToUnixTimeMilliseconds()), ("$unconfirmed", entry.OutcomeUnknown),
                    ("$trace", row.TraceParent)).ExecuteNonQuery();
            }
            return added;
        }, ct, "could not add the turns", rows.Count, oneStatement: false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ImportMark>> ListImportMarksAfterAsync(string? after, int limit, CancellationToken ct = default) =>
        Run<IReadOnlyList<ImportMark>>(c =>
        {
            using var command = Command(c, "SELECT hash, turn_id FROM imports WHERE hash > $after ORDER BY hash LIMIT $limit", ("$after", after ?? ""), ("$limit", limit));
            using var reader = command.ExecuteReader();
            var marks = new List<ImportMark>();
            while (reader.Read())
            {
                marks.Add(new ImportMark(reader.GetString(0), Guid.Parse(reader.GetString(1))));
            }
            return marks;
        }, ct);

    /// <inheritdoc />
    public Task<int> AddImportMarksAsync(IReadOnlyList<ImportMark> marks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(marks);
        return Grouped(tx => marks.Sum(m => MarkImported(tx, m)), ct, "could not add the import marks", marks.Count, oneStatement: false);
    }

    /// <summary>Records that a line was imported; 0 when its hash was recorded before.</summary>
    private int MarkImported(SqliteTransaction tx, ImportMark mark) =>
        Prepared(tx, "INSERT OR IGNORE INTO imports (hash, turn_id) VALUES ($hash, $id)", ("$hash", mark.ContentHash), ("$id", mark.TurnId.ToString()))
            .ExecuteNonQuery();

    // ---- following

    /// <inheritdoc />
    public Task<FollowCheckpoint?> GetFollowCheckpointAsync(string path, CancellationToken ct = default) => Run(c =>
    {
        using var command = Command(c, JournalSql.GetFollowCheckpoint, ("@path", path));
        using var reader = command.ExecuteReader();
        return reader.Read() ? FollowCheckpoint.Read(path, reader) : null;
    }, ct);

    /// <inheritdoc />
    public Task SaveFollowCheckpointAsync(FollowCheckpoint checkpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Grouped(tx => Prepared(tx, JournalSql.SaveFollowCheckpoint, ("@path", checkpoint.Path), ("@position", checkpoint.Position),
            ("@lines", checkpoint.Lines), ("@file", checkpoint.FileId), ("@tail", checkpoint.TailHash), ("@now", Now())).ExecuteNonQuery(),
            ct, "could not keep the follow checkpoint");
    }

    // ---- plumbing

    private Task<bool> Change(string sql, CancellationToken ct, params (string, object?)[] parameters) =>
        Grouped(tx => Prepared(tx, sql, parameters).ExecuteNonQuery() == 1, ct);

    /// <summary>
    /// Runs a write of this process once no other write of this process holds the journal, so in-process writers
    /// queue here in order instead of in SQLite's busy handler (which may sleep a whole second between tries).
    /// </summary>
    private Task<T> Write<T>(Func<SqliteConnection, T> work, CancellationToken ct) => Task.Run(async () =>
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            return OnConnection(work);
        }
        finally
        {
            _writeGate.Release();
        }
    }, ct);

    /// <summary>Runs <paramref name="work"/> on a pooled connection off the caller's thread (SQLite calls block).</summary>
    private Task<T> Run<T>(Func<SqliteConnection, T> work, CancellationToken ct) => Task.Run(() => OnConnection(work), ct);

    private T OnConnection<T>(Func<SqliteConnection, T> work)
    {
        try
        {
            using var connection = Open();
            return work(connection);
        }
        catch (SqliteException e)
        {
            throw Unavailable(_path, "failed", e);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    private static int Execute(SqliteConnection connection, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static List<JournalEntry> Read(SqliteConnection connection, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return Read(command);
    }

    private static List<JournalEntry> Read(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var entries = new List<JournalEntry>();
        while (reader.Read())
        {
            var turn = TurnRow.ToTurn(
                Guid.Parse(reader.GetString(0)),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.IsDBNull(13) ? null : reader.GetString(13),
                reader.IsDBNull(16) ? null : reader.GetString(16));
            entries.Add(new JournalEntry(
                turn,
                (TurnState)reader.GetInt32(5),
                reader.GetInt32(6),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
                reader.IsDBNull(10) ? null : Guid.Parse(reader.GetString(10)),
                reader.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)))
            {
                Seq = reader.GetInt64(12),
                // A row from before recorded_at was kept counts from its own time.
                RecordedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.IsDBNull(14) ? reader.GetInt64(4) : reader.GetInt64(14)),
                OutcomeUnknown = reader.GetBoolean(15),
            });
        }
        return entries;
    }

    private static JournalUnavailableException Unavailable(string path, string what, Exception e)
    {
        var why = e is SqliteException sqlite ? sqlite.SqliteErrorCode switch
        {
            SQLITE_NOTADB => "it is not a SQLite database (or it is encrypted); it was left untouched",
            SQLITE_CORRUPT => "the database file is corrupted; it was left untouched",
            SQLITE_FULL => "the disk is full",
            SQLITE_READONLY => "the database is read-only",
            SQLITE_CANTOPEN => "the file cannot be opened for writing (a read-only disk or directory, or missing permissions)",
            SQLITE_IOERR => "a disk I/O error occurred",
            SQLITE_BUSY or SQLITE_LOCKED => "the database stayed locked by another process past the busy timeout",
            _ => sqlite.Message,
        } : e.Message;
        var damaged = e is SqliteException { SqliteErrorCode: SQLITE_NOTADB or SQLITE_CORRUPT };
        return new JournalUnavailableException($"The journal {path} {what}: {why}.", e, damaged);
    }

    /// <summary>Stops taking appends, lets the writer commit what it holds, and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }
        _writer.Dispose();
        _writeGate.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }
}
