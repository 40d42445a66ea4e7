using System.Globalization;

namespace MemoSync.Operations;

/// <summary>How long synced turns stay in the journal, and how the daemon purges them without getting in delivery's way.</summary>
public sealed record RetentionOptions
{
    /// <summary>Synced turns older than this are purged (<c>MEMOSYNC_RETENTION_DAYS</c>, default 30; 0 keeps them forever). Dead turns are never purged.</summary>
    public int Days { get; init; } = 30;

    /// <summary>Turns deleted per transaction. Default 500: a batch holds the journal's write lock for a few milliseconds.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>The pause between batches, in which appends and deliveries take the lock. Default 10 ms.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How often the daemon looks for turns past the age. Default 1 h.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The defaults with <c>MEMOSYNC_RETENTION_DAYS</c> over them, read by name from the settings (or the environment).</summary>
    /// <exception cref="ArgumentException">The setting is not a whole number of days.</exception>
    public static RetentionOptions FromSettings(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (setting("MEMOSYNC_RETENTION_DAYS") is not { Length: > 0 } text)
        {
            return new RetentionOptions();
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days)
            ? new RetentionOptions { Days = days }
            : throw new ArgumentException($"MEMOSYNC_RETENTION_DAYS must be a whole number of days (0 keeps synced turns forever), got '{text}'");
    }
}
