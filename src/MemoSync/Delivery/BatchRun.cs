using System.Collections.Concurrent;
using MemoSync.Journal;

namespace MemoSync.Delivery;

/// <summary>What the lanes delivering one sweep batch did, counted as they go: the outcomes, the turns handed back, and whether delivery paused.</summary>
/// <param name="blocked">Users with a turn already tried in this sweep: their turns in the batch wait for the next sweep.</param>
internal sealed class BatchRun(IReadOnlySet<string> blocked)
{
    private readonly ConcurrentBag<Guid> _handedBack = [];
    private int _synced, _retrying, _dead, _paused;

    public IReadOnlySet<string> Blocked => blocked;

    /// <summary>Memobase refused our token or URL: no lane starts another delivery.</summary>
    public bool Paused => Volatile.Read(ref _paused) == 1;

    public int Synced => Volatile.Read(ref _synced);

    public int Retrying => Volatile.Read(ref _retrying);

    public int Dead => Volatile.Read(ref _dead);

    /// <summary>Turns handed back untried because their lease was half spent.</summary>
    public IReadOnlyCollection<Guid> HandedBack => _handedBack;

    public void Count(DeliveryOutcome outcome)
    {
        _ = outcome switch
        {
            DeliveryOutcome.Synced => Interlocked.Increment(ref _synced),
            DeliveryOutcome.Retrying => Interlocked.Increment(ref _retrying),
            DeliveryOutcome.Dead => Interlocked.Increment(ref _dead),
            DeliveryOutcome.Paused => Interlocked.Exchange(ref _paused, 1),
            _ => 0,
        };
    }

    public void HandBack(IEnumerable<JournalEntry> turns)
    {
        foreach (var entry in turns)
        {
            _handedBack.Add(entry.Turn.Id);
        }
    }
}
