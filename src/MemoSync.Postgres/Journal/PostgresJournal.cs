using Npgsql;
using NpgsqlTypes;

namespace MemoSync.Journal;

/// <summary>
/// The journal on PostgreSQL, for many hosts sharing the work: any number of recording processes and
/// <c>memosync run</c> daemons, on any machines, use one database. Appends are committed durably, and
/// concurrent appends share one commit (group commit). Claims lease turns with
/// <c>FOR UPDATE SKIP LOCKED</c>, one claim at a time per journal (a transaction-scoped advisory lock), so a
/// user's later turn is never handed to one daemon while another holds an earlier one. Leases and
/// <c>next_attempt_at</c> live in the rows, so a failing turn is retried once per backoff interval across the
/// whole cluster, and the leases of a daemon that died expire and are taken over. Lease times are the database's
/// clock, so the hosts' clocks do not decide who holds a turn. An append notifies the daemons listening on the
/// journal's channel, so a turn recorded on one host wakes the daemons on the others.
/// </summary>
public sealed class PostgresJournal : IDialogueJournal
{
    private const int MaxBatch = 1024;

    private readonly NpgsqlDataSource _source;
    private readonly string _where;
    private readonly string _claimLock;
    private readonly string _channel;
    private readonly TimeProvider _time;
    private readonly TurnValidator _validator;
    private readonly GroupCommitWriter<PostgresAppend> _appends;

    private PostgresJournal(NpgsqlDataSource source, PostgresJournalOptions options, string where, TimeProvider time)
    {
        _source = source;
        _where = where;
        _time = time;
        _validator = new TurnValidator(options.Limits);
        _claimLock = $"SELECT pg_advisory_xact_lock({PostgresSchema.LockClass}, hashtext('{options.Schema.Replace("'", "''", StringComparison.Ordinal)}'))";
        _channel = $"memosync_{options.Schema}";
        _appends = new GroupCommitWriter<PostgresAppend>(CommitAsync,
            (_, e) => e is NpgsqlException ? Unavailable("could not record the turn", e) : e, append => append.Rows.Count, MaxBatch);
    }

    /// <summary>
    /// Opens the journal: connects, and creates or migrates its schema (unless <see cref="PostgresJournalOptions.Migrate"/> is false,
    /// when a schema that is not current is refused).
    /// </summary>
    /// <exception cref="JournalUnavailableException">The server cannot be reached, refuses the login, or holds a newer or missing schema.</exception>
    public static PostgresJournal Open(PostgresJournalOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = CreateDataSource(options, out var where);
        try
        {
            if (options.Migrate)
            {
                PostgresSchema.MigrateAsync(source, options.Schema, where, CancellationToken.None).GetAwaiter().GetResult();
            }
            else
            {
                using var connection = source.OpenConnection();
                var version = PostgresSchema.CurrentAsync(connection, options.Schema, CancellationToken.None).GetAwaiter().GetResult();
                PostgresSchema.Refuse(version, where);
                if (version == 0)
                {
                    throw new JournalUnavailableException(
                        $"there is no journal {where}: run memosync migrate to create it, or MEMOSYNC_JOURNAL (--journal) should name another");
                }
                if (version < PostgresSchema.Version)
                {
                    throw new JournalUnavailableException($"The journal {where} has schema version {version}, older than this MemoSync's ({PostgresSchema.Version}): run memosync migrate.");
                }
            }
            return new PostgresJournal(source, options, where, time is null || time == TimeProvider.System ? DatabaseClock.Read(source) : time);
        }
        catch (NpgsqlException e)
        {
            source.Dispose();
            throw Unavailable(where, "cannot be opened", e);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Creates the schema when missing and applies the migrations it lacks; returns the schema versions before and after.</summary>
    /// <exception cref="JournalUnavailableException">The server cannot be reached or the schema is newer than this MemoSync knows.</exception>
    public static async Task<(int From, int To)> MigrateAsync(PostgresJournalOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var source = CreateDataSource(options, out var where);
        try
        {
            return await PostgresSchema.MigrateAsync(source, options.Schema, where, ct);
        }
        catch (NpgsqlException e)
        {
            throw Unavailable(where, "cannot be migrated", e);
        }
    }

    /// <summary>The schema version this MemoSync writes.</summary>
    public static int SchemaVersion => PostgresSchema.Version;

    /// <summary>Where the journal is, for people: server, database and schema, never the password.</summary>
    public static string Describe(PostgresJournalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Describe(new NpgsqlConnectionStringBuilder(options.ConnectionString), options.Schema);
    }

    private static string Describe(NpgsqlConnectionStringBuilder cs, string schema) => $"postgres://{cs.Username}@{cs.Host}:{cs.Port}/{cs.Database} (schema {schema})";

    private static NpgsqlDataSource CreateDataSource(PostgresJournalOptions options, out string where)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var cs = builder.ConnectionStringBuilder;
        cs.SearchPath = options.Schema;
        // Statements used again and again are prepared on their connection once.
        cs.MaxAutoPrepare = Math.Max(cs.MaxAutoPrepare, 32);
        where = Describe(cs, options.Schema);
        return builder.Build();
    }

    private DateTimeOffset Now() => _time.GetUtcNow();

    // ---- appends: group commit

    /// <summary>Durable commits of appends so far; fewer than the appends when callers shared commits.</summary>
    internal long Commits => _appends.Commits;

    /// <inheritdoc />
    public Task AppendAsync(Turn turn, CancellationToken ct = default) => AppendManyAsync([turn], ct);

    /// <inheritdoc />
    public Task AppendManyAsync(IReadOnlyList<Turn> turns, CancellationToken ct = default) => _appends.WriteAsync(new PostgresAppend(_validator.Rows(turns), null), ct);

    /// <inheritdoc />
    public async Task<long?> AppendLeasedAsync(Turn turn, TurnLease lease, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var append = new PostgresAppend(_validator.Rows([turn]), lease);
        await _appends.WriteAsync(append, ct);
        return append.LeasedSeq;
    }

    /// <summary>
    /// One statement for the whole batch: one round trip and one commit, whose WAL flush all its callers share. A row with a
    /// lease is leased in the same statement when every earlier pending turn of its user, in the table or earlier in the
    /// batch, is held by the lease's owner: then nobody else can be delivering one of them.
    /// </summary>
    private async Task CommitAsync(IReadOnlyList<PostgresAppend> appends)
    {
        var rows = appends.SelectMany(a => a.Rows.Select(row => (Row: row, a.Lease))).ToList();
        await using var command = _source.CreateCommand("""
            WITH batch AS (
                SELECT * FROM unnest(@ids, @users, @sessions, @messages, @ats, @interruptions, @traces, @owners)
                    WITH ORDINALITY AS r(id, user_id, session_id, messages, at, interruption, trace_parent, owner, n)),
            added AS (
                INSERT INTO turns (id, user_id, session_id, messages, timestamp, next_attempt_at, interruption, trace_parent, recorded_at, lease_owner, lease_until)
                SELECT id, user_id, session_id, messages, at, @now, interruption, trace_parent, @now,
                       CASE WHEN free THEN owner END, CASE WHEN free THEN @now + @lease END
                FROM (SELECT b.*, b.owner IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM batch e WHERE e.user_id = b.user_id AND e.n < b.n AND e.owner IS DISTINCT FROM b.owner)
                          AND NOT EXISTS (SELECT 1 FROM turns t WHERE t.user_id = b.user_id AND t.state = 0
                                          AND (t.lease_owner IS DISTINCT FROM b.owner OR t.lease_until <= @now)) AS free
                      FROM batch b) f
                ORDER BY n
                ON CONFLICT (id) DO NOTHING
                RETURNING id, seq, lease_owner IS NOT NULL AS leased)
            -- The same notification many times in one transaction is delivered once.
            SELECT id, seq, leased, pg_notify(@channel, (max(seq) OVER ())::text) FROM added
            """);
        command.Parameters.AddWithValue("channel", _channel);
        command.Parameters.AddWithValue("now", Now());
        // One engine per process, so a batch's leases all have one length.
        command.Parameters.AddWithValue("lease", rows.Select(r => r.Lease?.Duration).FirstOrDefault(d => d is not null) ?? TimeSpan.Zero);
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, "ids", rows.Select(r => r.Row.Id)));
        command.Parameters.Add(Array(NpgsqlDbType.Text, "users", rows.Select(r => r.Row.UserId)));
        command.Parameters.Add(Array(NpgsqlDbType.Text, "sessions", rows.Select(r => r.Row.SessionId)));
        command.Parameters.Add(Array(NpgsqlDbType.Text, "messages", rows.Select(r => r.Row.Messages)));
        command.Parameters.Add(Array(NpgsqlDbType.TimestampTz, "ats", rows.Select(r => r.Row.Timestamp.ToUniversalTime())));
        command.Parameters.Add(Array(NpgsqlDbType.Text, "interruptions", rows.Select(r => r.Row.Interruption)));
        command.Parameters.Add(Array(NpgsqlDbType.Text, "traces", rows.Select(r => r.Row.TraceParent)));
        command.Parameters.Add(Array(NpgsqlDbType.Text, "owners", rows.Select(r => r.Lease?.Owner)));
        var leased = new Dictionary<Guid, long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                if (reader.GetBoolean(2))
                {
                    leased[reader.GetGuid(0)] = reader.GetInt64(1);
                }
            }
        }
        foreach (var append in appends.Where(a => a.Lease is not null))
        {
            append.LeasedSeq = leased.TryGetValue(append.Rows[0].Id, out var seq) ? seq : null;
        }
    }

    private static NpgsqlParameter Array<T>(NpgsqlDbType element, string name, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | element) { Value = values.ToArray() };

    // ---- claims and outcomes

    /// <inheritdoc />
    public Task<ClaimedTurns> ClaimDueAsync(int max, TurnLease lease, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentNullException.ThrowIfNull(lease);
        // A turn waiting (backing off, or leased by another owner) holds back its user's later turns; the owner's own are passed over.
        // A turn still named for an owner whose lease ran out may have been sent by it: its outcome is unknown.
        return RunAsync(async c =>
        {
            await using var batch = new NpgsqlBatch(c);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(_claimLock));
            var claim = new NpgsqlBatchCommand($"""
                WITH due AS (
                    SELECT t.seq FROM turns t
                    WHERE t.state = 0 AND t.next_attempt_at <= @now AND (t.lease_until IS NULL OR t.lease_until <= @now)
                      AND NOT EXISTS (SELECT 1 FROM turns p
                                      WHERE p.user_id = t.user_id AND p.state = 0 AND p.seq < t.seq
                                        AND (p.next_attempt_at > @now OR (p.lease_until > @now AND p.lease_owner <> @owner)))
                    ORDER BY t.seq LIMIT @max
                    FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE turns SET lease_owner = @owner, lease_until = @now + @lease, unconfirmed = turns.unconfirmed OR turns.lease_owner IS NOT NULL
                    FROM due WHERE turns.seq = due.seq
                    RETURNING turns.*)
                SELECT {JournalSql.Columns} FROM claimed ORDER BY seq
                """);
            var now = Now();
            AddParameters(claim.Parameters, [("owner", lease.Owner), ("lease", lease.Duration), ("max", max), ("now", now)]);
            batch.BatchCommands.Add(claim);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                SELECT min(greatest(next_attempt_at, CASE WHEN lease_until > @now THEN lease_until END))
                FROM turns WHERE state = 0 AND lease_owner IS DISTINCT FROM @owner
                """) { Parameters = { new("owner", lease.Owner), new("now", now) } });
            await using var reader = await batch.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            var claimed = await ReadEntriesAsync(reader, ct);
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            DateTimeOffset? next = claimed.Count == max ? now : reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
            return new ClaimedTurns(claimed, next);
        }, ct);
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<Guid>> RenewAsync(IReadOnlyCollection<Guid> turnIds, TurnLease lease, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return (await QueryRowsAsync("""
            UPDATE turns SET lease_until = @now + @lease WHERE id = ANY(@ids) AND state = 0 AND lease_owner = @owner RETURNING id
            """, r => r.GetGuid(0), ct, ("lease", lease.Duration), ("ids", turnIds.ToArray()), ("owner", lease.Owner), ("now", Now()))).ToHashSet();
    }

    /// <inheritdoc />
    public Task<int> UnleaseAsync(IReadOnlyCollection<Guid> turnIds, string owner, CancellationToken ct = default) => ExecuteAsync("""
        UPDATE turns SET lease_owner = NULL, lease_until = NULL WHERE id = ANY(@ids) AND state = 0 AND lease_owner = @owner
        """, ct, ("ids", turnIds.ToArray()), ("owner", owner));

    /// <inheritdoc />
    public Task<bool> MarkSyncedAsync(Guid turnId, string owner, Guid? blobId, CancellationToken ct = default) => ChangeAsync(JournalSql.MarkSynced, ct, ("id", turnId), ("owner", owner), ("blob", Typed(blobId, NpgsqlDbType.Uuid)), ("now", Now()));

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(Guid turnId, string owner, FailedAttempt attempt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return ChangeAsync(JournalSql.Release, ct, ("id", turnId), ("owner", owner), ("charge", attempt.ChargeRetry ? 1 : 0), ("next", attempt.NextAttemptAt.ToUniversalTime()),
            ("error", attempt.Failure), ("unknown", attempt.OutcomeUnknown));
    }

    /// <inheritdoc />
    public Task<bool> MarkDeadAsync(Guid turnId, string owner, string reason, CancellationToken ct = default) => ChangeAsync(JournalSql.MarkDead, ct, ("id", turnId), ("owner", owner), ("reason", reason));

    /// <inheritdoc />
    public Task ProbeWriteAsync(CancellationToken ct = default) => ExecuteAsync(JournalSql.ProbeWrite, ct);

    /// <inheritdoc />
    public Task<int> RequeueDeadAsync(CancellationToken ct = default) => ExecuteAsync(JournalSql.RequeueDead, ct, ("now", Now()));

    /// <inheritdoc />
    public Task<int> RequeueDeadAsync(string userId, CancellationToken ct = default) => ExecuteAsync(JournalSql.RequeueDeadOfUser, ct, ("now", Now()), ("user", userId));

    /// <inheritdoc />
    public Task<bool> RequeueAsync(Guid turnId, CancellationToken ct = default) => ChangeAsync(JournalSql.Requeue, ct, ("id", turnId), ("now", Now()));

    /// <inheritdoc />
    public Task<int> PurgeSyncedAsync(DateTimeOffset syncedBefore, CancellationToken ct = default) =>
        ExecuteAsync(JournalSql.PurgeSynced, ct, ("before", syncedBefore.ToUniversalTime()));

    /// <inheritdoc />
    public Task<int> PurgeSyncedBatchAsync(DateTimeOffset syncedBefore, int maxTurns, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTurns);
        return ExecuteAsync(JournalSql.PurgeSyncedBatch, ct, ("before", syncedBefore.ToUniversalTime()), ("max", maxTurns));
    }

    /// <inheritdoc />
    public Task<long> CountSyncedBeforeAsync(DateTimeOffset syncedBefore, CancellationToken ct = default) => RunAsync(async c =>
    {
        await using var count = Command(c, JournalSql.CountSyncedBefore, ("before", syncedBefore.ToUniversalTime()));
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }, ct);

    // ---- reads

    /// <inheritdoc />
    public async Task<JournalEntry?> GetAsync(Guid turnId, CancellationToken ct = default) =>
        (await QueryAsync(JournalSql.Get, ct, ("id", turnId))).SingleOrDefault();

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> ListAsync(TurnState? state, int limit, CancellationToken ct = default) =>
        await QueryAsync(JournalSql.List, ct, ("state", Typed((short?)state, NpgsqlDbType.Smallint)), ("limit", limit));

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> ListUserTurnsAsync(string userId, TurnState? state, int limit, CancellationToken ct = default) =>
        await QueryAsync(JournalSql.ListUserTurns, ct, ("user", userId), ("state", Typed((short?)state, NpgsqlDbType.Smallint)), ("limit", limit));

    /// <inheritdoc />
    public async Task<IReadOnlyList<UserSummary>> ListUsersAsync(UserQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await QueryRowsAsync(JournalSql.Users(query.Sort, query.Descending), r => new UserSummary(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5)),
            ct, ("pattern", Typed(query.Pattern, NpgsqlDbType.Text)), ("limit", query.Limit));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> ListAfterAsync(Guid? after, int limit, CancellationToken ct = default) =>
        await QueryAsync(JournalSql.ListAfter, ct, ("after", Typed(after, NpgsqlDbType.Uuid)), ("limit", limit));

    /// <inheritdoc />
    public Task<JournalStatus> GetStatusAsync(int recentErrors = 10, CancellationToken ct = default) => RunAsync(async c =>
    {
        await using var batch = new NpgsqlBatch(c)
        {
            BatchCommands =
            {
                new("""
                    SELECT user_id, count(*) FILTER (WHERE state = 0), count(*) FILTER (WHERE state = 1), count(*) FILTER (WHERE state = 2)
                    FROM turns GROUP BY user_id ORDER BY user_id COLLATE "C"
                    """),
                new(JournalSql.OldestPending),
                new(JournalSql.RecentErrors) { Parameters = { new("n", recentErrors) } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var users = new List<UserTurnCounts>();
        while (await reader.ReadAsync(ct))
        {
            users.Add(new UserTurnCounts(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var oldestPending = reader.IsDBNull(0) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(0);
        await reader.NextResultAsync(ct);
        var errors = (await ReadEntriesAsync(reader, ct))
            .Select(e => new TurnError(e.Turn.Id, e.Turn.UserId, e.State, e.RetryCount, e.LastError!))
            .ToList();
        return new JournalStatus(users.Sum(u => u.Pending), users.Sum(u => u.Synced), users.Sum(u => u.Dead), oldestPending, users, errors);
    }, ct);

    // ---- change signal

    /// <inheritdoc />
    /// <remarks>Every append notifies the journal's channel with its last place; a connection of its own listens.</remarks>
    public async Task<long> WaitForNewTurnsAsync(long after, Func<long> known, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(known);
        try
        {
            await using var connection = await _source.OpenConnectionAsync(ct);
            var newest = after;
            connection.Notification += (_, e) =>
            {
                if (long.TryParse(e.Payload, System.Globalization.CultureInfo.InvariantCulture, out var seq) && seq > newest)
                {
                    newest = seq;
                }
            };
            await using (var listen = new NpgsqlCommand($"LISTEN {PostgresSchema.Quote(_channel)}", connection))
            {
                await listen.ExecuteNonQueryAsync(ct);
            }
            // Listening now: what was appended before is read once, so nothing falls between the last answer and this one.
            await using (var last = new NpgsqlCommand(JournalSql.LastSeq, connection))
            {
                newest = Math.Max(newest, (long)(await last.ExecuteScalarAsync(ct))!);
            }
            while (newest <= after || newest <= known())
            {
                after = Math.Max(after, newest);
                await connection.WaitAsync(ct);
            }
            return newest;
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            throw Unavailable("cannot be listened to", e);
        }
    }

    // ---- import and copy

    /// <inheritdoc />
    public Task<int> ImportAsync(IReadOnlyList<ImportedTurn> lines, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var valid = lines.Select(l => (Line: l, Row: TurnRow.Of(_validator.Validate(l.Turn)))).ToList();
        return InTransactionAsync(async c =>
        {
            var added = 0;
            foreach (var (line, row) in valid)
            {
                await using var claimHash = Command(c, "INSERT INTO imports (hash, turn_id) VALUES (@hash, @id) ON CONFLICT DO NOTHING",
                    ("hash", line.ContentHash), ("id", row.Id));
                if (await claimHash.ExecuteNonQueryAsync(ct) == 0)
                {
                    continue;
                }
                var at = row.Timestamp.ToUniversalTime();
                // Due now whatever the line's time says: a line dated in the future must not hold its user's turns back.
                await using var insert = Command(c, """
                    INSERT INTO turns (id, user_id, session_id, messages, timestamp, next_attempt_at, recorded_at, state, retry_count, synced_at, interruption)
                    VALUES (@id, @user, @session, @messages, @at, @now, @now, @state, @retries, @synced, @interruption)
                    ON CONFLICT (id) DO NOTHING
                    """, ("id", row.Id), ("user", row.UserId), ("session", row.SessionId), ("messages", row.Messages), ("at", at),
                    ("state", (short)(line.Synced ? TurnState.Synced : TurnState.Pending)), ("retries", line.RetryCount), ("synced", line.Synced ? at : null),
                    ("interruption", row.Interruption), ("now", Now()));
                added += await insert.ExecuteNonQueryAsync(ct);
            }
            return added;
        }, ct);
    }

    /// <inheritdoc />
    public Task<int> AddEntriesAsync(IReadOnlyList<JournalEntry> entries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rows = entries.Select(e => (Entry: e, Row: TurnRow.Of(_validator.Validate(e.Turn)))).ToList();
        return InTransactionAsync(async c =>
        {
            var added = 0;
            foreach (var (entry, row) in rows)
            {
                await using var insert = Command(c, """
                    INSERT INTO turns (id, user_id, session_id, messages, timestamp, state, retry_count, next_attempt_at, last_error, blob_id, synced_at,
                                       interruption, recorded_at, unconfirmed, trace_parent)
                    VALUES (@id, @user, @session, @messages, @at, @state, @retries, @next, @error, @blob, @synced, @interruption, @recorded, @unconfirmed, @trace)
                    ON CONFLICT (id) DO NOTHING
                    """, ("id", row.Id), ("user", row.UserId), ("session", row.SessionId), ("messages", row.Messages),
                    ("at", row.Timestamp.ToUniversalTime()), ("state", (short)entry.State), ("retries", entry.RetryCount),
                    ("next", entry.NextAttemptAt.ToUniversalTime()), ("error", entry.LastError), ("blob", entry.BlobId),
                    ("synced", entry.SyncedAt?.ToUniversalTime()), ("interruption", row.Interruption),
                    ("recorded", entry.RecordedAt == default ? null : entry.RecordedAt.ToUniversalTime()), ("unconfirmed", entry.OutcomeUnknown),
                    ("trace", row.TraceParent));
                added += await insert.ExecuteNonQueryAsync(ct);
            }
            return added;
        }, ct);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ImportMark>> ListImportMarksAfterAsync(string? after, int limit, CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<ImportMark>>(async c =>
        {
            await using var command = Command(c, "SELECT hash, turn_id FROM imports WHERE hash > @after ORDER BY hash LIMIT @limit", ("after", after ?? ""), ("limit", limit));
            await using var reader = await command.ExecuteReaderAsync(ct);
            var marks = new List<ImportMark>();
            while (await reader.ReadAsync(ct))
            {
                marks.Add(new ImportMark(reader.GetString(0), reader.GetGuid(1)));
            }
            return marks;
        }, ct);

    /// <inheritdoc />
    public Task<int> AddImportMarksAsync(IReadOnlyList<ImportMark> marks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(marks);
        return ExecuteAsync("INSERT INTO imports (hash, turn_id) SELECT * FROM unnest(@hashes, @ids) ON CONFLICT DO NOTHING", ct,
            ("hashes", marks.Select(m => m.ContentHash).ToArray()), ("ids", marks.Select(m => m.TurnId).ToArray()));
    }

    // ---- following

    /// <inheritdoc />
    public async Task<FollowCheckpoint?> GetFollowCheckpointAsync(string path, CancellationToken ct = default) =>
        (await QueryRowsAsync(JournalSql.GetFollowCheckpoint, row => FollowCheckpoint.Read(path, row), ct, ("path", path))).SingleOrDefault();

    /// <inheritdoc />
    public Task SaveFollowCheckpointAsync(FollowCheckpoint checkpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return ExecuteAsync(JournalSql.SaveFollowCheckpoint, ct, ("path", checkpoint.Path), ("position", checkpoint.Position), ("lines", checkpoint.Lines),
            ("file", checkpoint.FileId), ("tail", checkpoint.TailHash), ("now", Now()));
    }

    // ---- plumbing

    private async Task<bool> ChangeAsync(string sql, CancellationToken ct, params (string, object?)[] parameters) =>
        await ExecuteAsync(sql, ct, parameters) == 1;

    private Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string, object?)[] parameters) => RunAsync(async c =>
    {
        await using var command = Command(c, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }, ct);

    private Task<List<T>> QueryRowsAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct, params (string, object?)[] parameters) =>
        RunAsync(async c =>
        {
            await using var command = Command(c, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct))
            {
                rows.Add(read(reader));
            }
            return rows;
        }, ct);

    private Task<List<JournalEntry>> QueryAsync(string sql, CancellationToken ct, params (string, object?)[] parameters) => RunAsync(async c =>
    {
        await using var command = Command(c, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await ReadEntriesAsync(reader, ct);
    }, ct);

    /// <summary>Runs <paramref name="work"/> in one transaction (Npgsql's commands join the connection's transaction).</summary>
    private Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct) => RunAsync(async c =>
    {
        await using var tx = await c.BeginTransactionAsync(ct);
        var result = await work(c);
        await tx.CommitAsync(ct);
        return result;
    }, ct);

    /// <summary>Runs <paramref name="work"/> on a pooled connection; a failure of the server or the network becomes <see cref="JournalUnavailableException"/>.</summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(ct);
            return await work(connection);
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            throw Unavailable("failed", e);
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        AddParameters(command.Parameters, parameters);
        return command;
    }

    private static void AddParameters(NpgsqlParameterCollection target, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            target.Add(value as NpgsqlParameter is { } typed ? Named(typed, name) : new NpgsqlParameter(name, value ?? DBNull.Value));
        }
    }

    /// <summary>A parameter whose type the server cannot infer from a null (outside an INSERT's VALUES).</summary>
    private static NpgsqlParameter Typed(object? value, NpgsqlDbType type) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    private static NpgsqlParameter Named(NpgsqlParameter parameter, string name)
    {
        parameter.ParameterName = name;
        return parameter;
    }

    private static async Task<List<JournalEntry>> ReadEntriesAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var entries = new List<JournalEntry>();
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new JournalEntry(
                TurnRow.ToTurn(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(13) ? null : reader.GetString(13),
                    reader.IsDBNull(16) ? null : reader.GetString(16)),
                (TurnState)reader.GetInt16(5),
                reader.GetInt32(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetGuid(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11))
            {
                Seq = reader.GetInt64(12),
                // A row from before recorded_at was kept counts from its own time.
                RecordedAt = reader.GetFieldValue<DateTimeOffset>(reader.IsDBNull(14) ? 4 : 14),
                OutcomeUnknown = reader.GetBoolean(15),
            });
        }
        return entries;
    }

    private JournalUnavailableException Unavailable(string what, Exception e) => Unavailable(_where, what, e);

    private static JournalUnavailableException Unavailable(string where, string what, Exception e)
    {
        var why = e is PostgresException pg ? $"{pg.MessageText} ({pg.SqlState})" : e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
        return new JournalUnavailableException($"The journal {where} {what}: {why}.", e);
    }

    /// <summary>Stops taking appends, lets the writer commit what it holds, and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _appends.DisposeAsync();
        await _source.DisposeAsync();
    }
}
