using System.Text.Json;
using System.Text.Json.Nodes;
using MemoSync.Memobase.Models;
using Microsoft.Data.Sqlite;

namespace MemoSync.Emulator.Storage;

/// <summary>
/// Users, blobs, buffers, profiles, events and the project config in one SQLite database: a file
/// with <see cref="EmulatorOptions.DataPath"/>, otherwise a private in-memory database. One
/// connection behind a lock keeps it simple; the emulator serves tests and demos, not production load.
/// </summary>
internal sealed class EmulatorStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SqliteCommand> _statements = [];
    private readonly TimeProvider _time;

    public EmulatorStore(string? dataPath, TimeProvider time)
    {
        _time = time;
        if (dataPath is null)
        {
            _connection = new SqliteConnection("Data Source=:memory:");
            _connection.Open();
        }
        else
        {
            CreateOwnerOnly(dataPath);
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dataPath, Pooling = false }.ToString());
            _connection.Open();
            Execute("PRAGMA journal_mode=WAL");
        }
        Execute("""
            PRAGMA foreign_keys=ON;
            PRAGMA case_sensitive_like=ON;
            CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, data TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                blob_type TEXT NOT NULL, blob_data TEXT NOT NULL, fields TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS blobs_user ON blobs(user_id, blob_type, created_at);
            CREATE TABLE IF NOT EXISTS buffer (blob_id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                blob_type TEXT NOT NULL, token_size INTEGER NOT NULL, status TEXT NOT NULL, seq INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS profiles (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                content TEXT NOT NULL, topic TEXT NOT NULL, sub_topic TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                event_data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS gists (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE, content TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS gists_event ON gists(event_id);
            CREATE INDEX IF NOT EXISTS gists_user ON gists(user_id, created_at);
            CREATE TABLE IF NOT EXISTS project (key TEXT PRIMARY KEY, value TEXT);
            -- Every insert sums its user's idle buffer, and reads and cascading deletes go by user: without these, each
            -- of them would scan every user's rows, and a long run would slow down with all it has received.
            CREATE INDEX IF NOT EXISTS buffer_user ON buffer(user_id, blob_type, status, seq);
            -- Each chat blob takes the next seq (MAX + 1): without this index every insert would read the whole buffer.
            CREATE INDEX IF NOT EXISTS buffer_seq ON buffer(seq);
            CREATE INDEX IF NOT EXISTS profiles_user ON profiles(user_id);
            CREATE INDEX IF NOT EXISTS events_user ON events(user_id, created_at);
            """);
    }

    private static void CreateOwnerOnly(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path) && !OperatingSystem.IsWindows())
        {
            // Created before SQLite opens it, so the file is never readable by others, not even briefly.
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
    }

    private string Now() => _time.GetUtcNow().ToString("O");

    // ---- users

    public bool UserExists(Guid id) => Scalar("SELECT 1 FROM users WHERE id=$id", ("$id", id)) is not null;

    /// <summary>Creates a user; false when the id is taken (the server then fails with errno 500).</summary>
    public bool TryCreateUser(Guid id, JsonObject? data)
    {
        var now = Now();
        return Execute("INSERT OR IGNORE INTO users VALUES ($id, $data, $now, $now)",
            ("$id", id), ("$data", data?.ToJsonString()), ("$now", now)) == 1;
    }

    public UserData? GetUser(Guid id) => Query("SELECT data, created_at, updated_at FROM users WHERE id=$id",
        r => new UserData(ParseObject(r, 0), id, DateTimeOffset.Parse(r.GetString(1)), DateTimeOffset.Parse(r.GetString(2))),
        ("$id", id)).FirstOrDefault();

    public bool UpdateUser(Guid id, JsonObject data) =>
        Execute("UPDATE users SET data=$data, updated_at=$now WHERE id=$id", ("$id", id), ("$data", data.ToJsonString()), ("$now", Now())) == 1;

    public bool DeleteUser(Guid id) => Execute("DELETE FROM users WHERE id=$id", ("$id", id)) == 1;

    // ---- blobs and the buffer

    /// <summary>Stores a blob and, for chat, puts it in the user's idle buffer; false when the user does not exist.</summary>
    public bool TryInsertBlob(Guid userId, Guid blobId, string blobType, JsonObject blobData, JsonObject? fields, int tokenSize)
    {
        lock (_gate)
        {
            if (!UserExists(userId))
            {
                return false;
            }
            var now = Now();
            Execute("INSERT INTO blobs VALUES ($id, $user, $type, $data, $fields, $now, $now)",
                ("$id", blobId), ("$user", userId), ("$type", blobType), ("$data", blobData.ToJsonString()),
                ("$fields", fields?.ToJsonString()), ("$now", now));
            if (blobType == BlobType.Chat)
            {
                Execute("INSERT INTO buffer VALUES ($id, $user, $type, $tokens, 'idle', (SELECT COALESCE(MAX(seq), 0) + 1 FROM buffer))",
                    ("$id", blobId), ("$user", userId), ("$type", blobType), ("$tokens", tokenSize));
            }
            return true;
        }
    }

    public Blob? GetBlob(Guid userId, Guid blobId) => Query(
        "SELECT blob_type, blob_data, fields, created_at, updated_at FROM blobs WHERE id=$id AND user_id=$user",
        r => new Blob(r.GetString(0), ParseObject(r, 1)!, ParseObject(r, 2), DateTimeOffset.Parse(r.GetString(3)), DateTimeOffset.Parse(r.GetString(4))),
        ("$id", blobId), ("$user", userId)).FirstOrDefault();

    public bool DeleteBlob(Guid userId, Guid blobId) =>
        Execute("DELETE FROM blobs WHERE id=$id AND user_id=$user", ("$id", blobId), ("$user", userId)) == 1;

    public IReadOnlyList<Guid> ListBlobIds(Guid userId, string blobType, int page, int pageSize) => Query(
        "SELECT id FROM blobs WHERE user_id=$user AND blob_type=$type ORDER BY created_at, rowid LIMIT $limit OFFSET $offset",
        r => Guid.Parse(r.GetString(0)),
        ("$user", userId), ("$type", blobType), ("$limit", pageSize), ("$offset", page * pageSize));

    public IReadOnlyList<Guid> BufferIds(Guid userId, string blobType, string status) => Query(
        "SELECT blob_id FROM buffer WHERE user_id=$user AND blob_type=$type AND status=$status ORDER BY seq",
        r => Guid.Parse(r.GetString(0)), ("$user", userId), ("$type", blobType), ("$status", status));

    public long IdleBufferTokens(Guid userId, string blobType) => (long)(Scalar(
        "SELECT COALESCE(SUM(token_size), 0) FROM buffer WHERE user_id=$user AND blob_type=$type AND status='idle'",
        ("$user", userId), ("$type", blobType)) ?? 0L);

    /// <summary>Moves the idle blobs of a buffer to processing and returns their messages, oldest first.</summary>
    public IReadOnlyList<(Guid BlobId, JsonObject BlobData)> ClaimIdleBuffer(Guid userId, string blobType)
    {
        lock (_gate)
        {
            var claimed = Query("""
                SELECT b.id, b.blob_data FROM buffer f JOIN blobs b ON b.id = f.blob_id
                WHERE f.user_id=$user AND f.blob_type=$type AND f.status='idle' ORDER BY f.seq
                """,
                r => (Guid.Parse(r.GetString(0)), ParseObject(r, 1)!), ("$user", userId), ("$type", blobType));
            foreach (var (id, _) in claimed)
            {
                Execute("UPDATE buffer SET status='processing' WHERE blob_id=$id", ("$id", id));
            }
            return claimed;
        }
    }

    /// <summary>Ends processing: marks the blobs done and, unless chat blobs are kept, deletes them as the server does.</summary>
    public void CompleteBuffer(IEnumerable<Guid> blobIds, bool keepBlobs)
    {
        lock (_gate)
        {
            foreach (var id in blobIds)
            {
                Execute("UPDATE buffer SET status='done' WHERE blob_id=$id", ("$id", id));
                if (!keepBlobs)
                {
                    Execute("DELETE FROM blobs WHERE id=$id", ("$id", id));
                }
            }
        }
    }

    // ---- profiles

    public Guid? AddProfile(Guid userId, ProfileDelta delta)
    {
        lock (_gate)
        {
            if (!UserExists(userId))
            {
                return null;
            }
            var id = Guid.NewGuid();
            var now = Now();
            Execute("INSERT INTO profiles VALUES ($id, $user, $content, $topic, $sub, $now, $now)",
                ("$id", id), ("$user", userId), ("$content", delta.Content),
                ("$topic", delta.Attributes?.Topic ?? ""), ("$sub", delta.Attributes?.SubTopic ?? ""), ("$now", now));
            return id;
        }
    }

    public bool UpdateProfile(Guid userId, Guid profileId, ProfileDelta delta) => Execute(
        "UPDATE profiles SET content=$content, topic=$topic, sub_topic=$sub, updated_at=$now WHERE id=$id AND user_id=$user",
        ("$id", profileId), ("$user", userId), ("$content", delta.Content),
        ("$topic", delta.Attributes?.Topic ?? ""), ("$sub", delta.Attributes?.SubTopic ?? ""), ("$now", Now())) == 1;

    public bool DeleteProfile(Guid userId, Guid profileId) =>
        Execute("DELETE FROM profiles WHERE id=$id AND user_id=$user", ("$id", profileId), ("$user", userId)) == 1;

    /// <summary>A user's profiles, most recently updated first, as the server orders them.</summary>
    public IReadOnlyList<ProfileData> Profiles(Guid userId) => Query(
        "SELECT id, content, topic, sub_topic, created_at, updated_at FROM profiles WHERE user_id=$user ORDER BY updated_at DESC, rowid DESC",
        r => new ProfileData(Guid.Parse(r.GetString(0)), r.GetString(1), new ProfileAttributes(r.GetString(2), r.GetString(3)),
            DateTimeOffset.Parse(r.GetString(4)), DateTimeOffset.Parse(r.GetString(5))),
        ("$user", userId));

    // ---- events

    /// <summary>
    /// Adds an event and its gists: each line of its tip that starts with <c>-</c>, as the server splits them
    /// (controllers/event.py append_user_event). Gists keep their text when the event is updated, and go with it.
    /// </summary>
    public Guid AddEvent(Guid userId, EventData data)
    {
        var id = Guid.NewGuid();
        var now = Now();
        lock (_gate)
        {
            Execute("INSERT INTO events VALUES ($id, $user, $data, $now, $now)",
                ("$id", id), ("$user", userId), ("$data", JsonSerializer.Serialize(data, MemobaseJsonContext.Default.EventData)), ("$now", now));
            var gists = (data.EventTip ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('-'));
            foreach (var gist in gists)
            {
                Execute("INSERT INTO gists VALUES ($id, $user, $event, $content, $now, $now)",
                    ("$id", Guid.NewGuid()), ("$user", userId), ("$event", id), ("$content", gist), ("$now", now));
            }
        }
        return id;
    }

    /// <summary>A user's event gists, newest first.</summary>
    public IReadOnlyList<EventGist> Gists(Guid userId) => Query(
        "SELECT id, content, created_at, updated_at FROM gists WHERE user_id=$user ORDER BY created_at DESC, rowid DESC",
        r => new EventGist(Guid.Parse(r.GetString(0)), r.GetString(1), DateTimeOffset.Parse(r.GetString(2)), DateTimeOffset.Parse(r.GetString(3))),
        ("$user", userId));

    public bool UpdateEvent(Guid userId, Guid eventId, EventData data) => Execute(
        "UPDATE events SET event_data=$data, updated_at=$now WHERE id=$id AND user_id=$user",
        ("$id", eventId), ("$user", userId), ("$data", JsonSerializer.Serialize(data, MemobaseJsonContext.Default.EventData)), ("$now", Now())) == 1;

    public bool DeleteEvent(Guid userId, Guid eventId) =>
        Execute("DELETE FROM events WHERE id=$id AND user_id=$user", ("$id", eventId), ("$user", userId)) == 1;

    /// <summary>A user's events, newest first.</summary>
    public IReadOnlyList<UserEventData> Events(Guid userId) => Query(
        "SELECT id, event_data, created_at, updated_at FROM events WHERE user_id=$user ORDER BY created_at DESC, rowid DESC",
        ReadEvent, ("$user", userId));

    public UserEventData? Event(Guid userId, Guid eventId) => Query(
        "SELECT id, event_data, created_at, updated_at FROM events WHERE id=$id AND user_id=$user",
        ReadEvent, ("$id", eventId), ("$user", userId)).FirstOrDefault();

    private static UserEventData ReadEvent(SqliteDataReader r) =>
        new(Guid.Parse(r.GetString(0)), JsonSerializer.Deserialize(r.GetString(1), MemobaseJsonContext.Default.EventData),
            DateTimeOffset.Parse(r.GetString(2)), DateTimeOffset.Parse(r.GetString(3)));

    // ---- project

    /// <summary>
    /// The users whose id contains <paramref name="search"/> (SQL LIKE, case-sensitive as PostgreSQL's), each with its
    /// profile and event counts, ordered as asked (controllers/project.py get_project_users); and how many match.
    /// </summary>
    public (JsonArray Users, long Count) ProjectUsers(string search, string orderBy, bool descending, int limit, int offset)
    {
        var order = orderBy switch
        {
            "profile_count" => "profile_count",
            "event_count" => "event_count",
            _ => "u.updated_at",
        } + (descending ? " DESC" : "");
        var pattern = $"%{search}%";
        var users = Query($"""
            SELECT u.id, u.data, u.created_at, u.updated_at,
                (SELECT COUNT(*) FROM profiles p WHERE p.user_id = u.id) AS profile_count,
                (SELECT COUNT(*) FROM events e WHERE e.user_id = u.id) AS event_count
            FROM users u WHERE u.id LIKE $pattern ORDER BY {order}, u.rowid LIMIT $limit OFFSET $offset
            """,
            r => (JsonNode)new JsonObject
            {
                ["id"] = r.GetString(0),
                ["additional_fields"] = ParseObject(r, 1),
                ["project_id"] = "__root__",
                ["created_at"] = r.GetString(2),
                ["updated_at"] = r.GetString(3),
                ["profile_count"] = r.GetInt64(4),
                ["event_count"] = r.GetInt64(5),
            },
            ("$pattern", pattern), ("$limit", limit), ("$offset", offset));
        var count = (long)(Scalar("SELECT COUNT(*) FROM users WHERE id LIKE $pattern", ("$pattern", pattern)) ?? 0L);
        return (new JsonArray([.. users]), count);
    }

    public string? ProfileConfig() => Scalar("SELECT value FROM project WHERE key='profile_config'") as string;

    public void SetProfileConfig(string? config) =>
        Execute("INSERT INTO project VALUES ('profile_config', $v) ON CONFLICT(key) DO UPDATE SET value=$v", ("$v", config));

    // ---- plumbing

    private static JsonObject? ParseObject(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonNode.Parse(reader.GetString(ordinal))?.AsObject();

    /// <summary>
    /// A statement prepared once and kept, its parameters bound anew: every request runs the same few, so none is parsed
    /// twice. Callers hold <see cref="_gate"/>, so one connection serves all.
    /// </summary>
    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _statements[sql] = command;
        }
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value switch
            {
                null => DBNull.Value,
                Guid g => g.ToString(),
                _ => value,
            });
        }
        return command;
    }

    private int Execute(string sql, params (string, object?)[] parameters)
    {
        lock (_gate)
        {
            return Command(sql, parameters).ExecuteNonQuery();
        }
    }

    private object? Scalar(string sql, params (string, object?)[] parameters)
    {
        lock (_gate)
        {
            var value = Command(sql, parameters).ExecuteScalar();
            return value is DBNull ? null : value;
        }
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string, object?)[] parameters)
    {
        lock (_gate)
        {
            using var reader = Command(sql, parameters).ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }
            return rows;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var command in _statements.Values)
            {
                command.Dispose();
            }
            _connection.Dispose();
        }
    }
}
