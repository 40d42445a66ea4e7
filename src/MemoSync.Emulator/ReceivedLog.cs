namespace MemoSync.Emulator;

/// <summary>What a scripted endpoint received or gave, oldest first, for tests and developers to check afterwards.</summary>
internal sealed class ReceivedLog<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _entries = [];

    public void Add(T entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}
