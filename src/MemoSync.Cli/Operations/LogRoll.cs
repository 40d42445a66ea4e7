namespace MemoSync.Cli.Operations;

/// <summary>How often the log file is rotated by age.</summary>
internal enum LogRoll
{
    /// <summary>Never by age (for logrotate, or size alone).</summary>
    None,

    /// <summary>A new file each hour.</summary>
    Hour,

    /// <summary>A new file each day.</summary>
    Day,
}
