using MemoSync.Journal;

namespace MemoSync.Delivery;

/// <summary>
/// The turns a delivery engine holds leased, by user, and the rule that keeps a user's turns in order: they leave in
/// the journal's order, one at a time, and a user whose delivery did not get through gives back the rest. Users take
/// turns at the lanes in the order they became ready, so a user with a long backlog never starves the others.
/// Used by the engine's loop alone, so it takes no lock.
/// </summary>
internal sealed class HeldTurns
{
    private readonly Dictionary<string, UserTurns> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, HeldTurn> _byId = [];
    private readonly Queue<UserTurns> _ready = new();

    /// <summary>Turns held, waiting or in flight.</summary>
    public int Count => _byId.Count;

    /// <summary>Turns in flight: one at most per user.</summary>
    public int InFlight { get; private set; }

    /// <summary>The ids of every turn held, for a renewal of their leases.</summary>
    public IReadOnlyCollection<Guid> Ids => _byId.Keys;

    /// <summary>Holds a turn leased until <paramref name="leaseEnds"/>; false when it is held already.</summary>
    public bool Add(JournalEntry entry, DateTimeOffset leaseEnds)
    {
        if (_byId.ContainsKey(entry.Turn.Id))
        {
            return false;
        }
        var held = new HeldTurn(entry, leaseEnds);
        _byId.Add(entry.Turn.Id, held);
        if (!_users.TryGetValue(entry.Turn.UserId, out var user))
        {
            _users[entry.Turn.UserId] = user = new UserTurns(entry.Turn.UserId);
        }
        user.Waiting.Add(entry.Seq, held);
        MarkReady(user);
        return true;
    }

    /// <summary>The first waiting turn of the next ready user, now in flight; false when no user is ready.</summary>
    public bool TryStartNext(out HeldTurn held)
    {
        while (_ready.TryDequeue(out var user))
        {
            user.Ready = false;
            if (user.Busy || user.Waiting.Count == 0)
            {
                continue;
            }
            held = user.Waiting.Values[0];
            user.Waiting.RemoveAt(0);
            user.Busy = true;
            InFlight++;
            return true;
        }
        held = null!;
        return false;
    }

    /// <summary>
    /// Ends a turn's delivery. When it got through (or was given up as dead), its user's next turn may go; otherwise the
    /// user's waiting turns are let go, in order behind it, and their ids returned to be handed back to the journal.
    /// </summary>
    public IReadOnlyList<Guid> Finish(HeldTurn held, bool userGoesOn)
    {
        _byId.Remove(held.Entry.Turn.Id);
        InFlight--;
        var user = _users[held.Entry.Turn.UserId];
        user.Busy = false;
        var dropped = userGoesOn ? [] : Drop(user);
        if (user.Waiting.Count == 0)
        {
            _users.Remove(user.Id);
        }
        else
        {
            MarkReady(user);
        }
        return dropped;
    }

    /// <summary>Lets go of every turn not in flight (stopping, or leases found lost); returns their ids.</summary>
    public IReadOnlyList<Guid> ReleaseWaiting(Func<Guid, bool>? which = null)
    {
        var released = new List<Guid>();
        foreach (var user in _users.Values.ToList())
        {
            foreach (var held in user.Waiting.Values.Where(h => which?.Invoke(h.Entry.Turn.Id) ?? true).ToList())
            {
                user.Waiting.Remove(held.Entry.Seq);
                _byId.Remove(held.Entry.Turn.Id);
                released.Add(held.Entry.Turn.Id);
            }
            if (user.Waiting.Count == 0 && !user.Busy)
            {
                _users.Remove(user.Id);
            }
        }
        return released;
    }

    /// <summary>Moves the lease end of the turns a renewal kept; returns those in flight whose lease was lost.</summary>
    public IReadOnlyList<HeldTurn> Renewed(IReadOnlySet<Guid> kept, DateTimeOffset leaseEnds)
    {
        var lost = new List<HeldTurn>();
        foreach (var held in _byId.Values)
        {
            if (kept.Contains(held.Entry.Turn.Id))
            {
                held.LeaseEnds = leaseEnds;
            }
            else
            {
                lost.Add(held);
            }
        }
        ReleaseWaiting(id => !kept.Contains(id));
        return lost.Where(h => _byId.ContainsKey(h.Entry.Turn.Id)).ToList();
    }

    private List<Guid> Drop(UserTurns user)
    {
        var dropped = user.Waiting.Values.Select(h => h.Entry.Turn.Id).ToList();
        dropped.ForEach(id => _byId.Remove(id));
        user.Waiting.Clear();
        return dropped;
    }

    private void MarkReady(UserTurns user)
    {
        if (!user.Ready && !user.Busy)
        {
            user.Ready = true;
            _ready.Enqueue(user);
        }
    }

    private sealed class UserTurns(string id)
    {
        public string Id => id;

        /// <summary>Its waiting turns by their place in the journal: a turn claimed late still goes before a later one offered early.</summary>
        public SortedList<long, HeldTurn> Waiting { get; } = [];

        public bool Busy { get; set; }

        public bool Ready { get; set; }
    }
}

/// <summary>A turn an engine holds, with when its lease runs out by this process's clock, and how to stop its delivery.</summary>
internal sealed class HeldTurn(JournalEntry entry, DateTimeOffset leaseEnds)
{
    public JournalEntry Entry => entry;

    public DateTimeOffset LeaseEnds { get; set; } = leaseEnds;

    /// <summary>Whether its delivery makes quick attempts.</summary>
    public bool Quick { get; set; }

    /// <summary>Cancelled when the lease is found lost while the turn is in flight.</summary>
    public CancellationTokenSource Abort { get; } = new();
}
