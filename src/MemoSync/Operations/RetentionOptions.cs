namespace MemoSync.Operations;

/// <summary>How long synced turns stay in the journal, and how the daemon purges them without getting in delivery's way.</summary>
public sealed record RetentionOptions
{
    /// <summary>The age <c>memosync run</c> and <c>memosync purge</c> take when none is set: 30 days.</summary>
    public const int CommandDefaultDays = 30;

    /// <summary>
    /// Synced turns synced more than this many days ago are purged (<c>MEMOSYNC_RETENTION_DAYS</c>); null or 0 keeps them
    /// forever. Null unless configured, so an application keeps its turns until it says otherwise; the commands take
    /// <see cref="CommandDefaultDays"/>. Dead turns are never purged.
    /// </summary>
    public int? Days { get; init; }

    /// <summary>Turns deleted per transaction. Default 500: a batch holds the journal's write lock for a few milliseconds.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>The pause between batches, in which appends and deliveries take the lock. Default 10 ms.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How often the daemon looks for turns past the age. Default 1 h.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>These options, with <see cref="CommandDefaultDays"/> when no age was set.</summary>
    public RetentionOptions OrCommandDefault() => Days is null ? this with { Days = CommandDefaultDays } : this;
}
