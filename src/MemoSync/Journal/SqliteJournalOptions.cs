namespace MemoSync.Journal;

/// <summary>Where the SQLite journal lives and how long it waits for another process's lock.</summary>
public sealed record SqliteJournalOptions
{
    /// <summary>The database file. Default <c>data/memosync.db</c>.</summary>
    public string Path { get; init; } = "data/memosync.db";

    /// <summary>How long a write waits while another process holds the lock. Default 10 s.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a delivery engine looks whether another process recorded a turn. Default 20 ms.</summary>
    public TimeSpan ChangePoll { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>What a turn may hold.</summary>
    public TurnLimits Limits { get; init; } = new();
}
