using System.Text.Json.Nodes;

namespace MemoSync.Emulator.Admin;

/// <summary>
/// Counts every stored blob per user and, by <c>fields.memosync_turn_id</c>, the duplicates: the
/// proof that a turn arrived exactly once. Counted at store time, so a blob whose answer was lost
/// still counts. Also counts the API requests and the faults injected into them.
/// </summary>
internal sealed class ReceivedLedger
{
    /// <summary>The field in which MemoSync puts its turn id.</summary>
    public const string TurnIdField = "memosync_turn_id";

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _users = [];
    private long _requests;
    private long _faults;
    private long _lostAnswers;

    /// <summary>Counts one API request and the fault drawn for it.</summary>
    public void CountRequest(Faults.Fault fault)
    {
        lock (_gate)
        {
            _requests++;
            _faults += fault == Faults.Fault.None ? 0 : 1;
            _lostAnswers += fault == Faults.Fault.LoseAnswer ? 1 : 0;
        }
    }

    public void Record(Guid userId, JsonObject? fields)
    {
        var turnId = fields?[TurnIdField] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var entry))
            {
                _users[userId] = entry = new Entry();
            }
            entry.Blobs++;
            if (turnId is null)
            {
                entry.WithoutTurnId++;
            }
            else if (!entry.Turns.Add(turnId))
            {
                entry.Duplicates++;
            }
        }
    }

    public EmulatorStats Snapshot()
    {
        lock (_gate)
        {
            var users = _users
                .Select(u => new UserStats(u.Key, u.Value.Blobs, u.Value.Turns.Count, u.Value.Duplicates, u.Value.WithoutTurnId))
                .OrderBy(u => u.UserId)
                .ToList();
            return new EmulatorStats(users, users.Sum(u => u.BlobsReceived), users.Sum(u => u.Duplicates), _requests, _faults, _lostAnswers);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _users.Clear();
            (_requests, _faults, _lostAnswers) = (0, 0, 0);
        }
    }

    private sealed class Entry
    {
        public long Blobs { get; set; }
        public long Duplicates { get; set; }
        public long WithoutTurnId { get; set; }
        public HashSet<string> Turns { get; } = [];
    }
}
