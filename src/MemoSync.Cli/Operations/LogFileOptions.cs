namespace MemoSync.Cli.Operations;

/// <summary>Where the daemon writes auto_sync.log and how the file rotates.</summary>
internal sealed record LogFileOptions
{
    /// <summary>The log file; rotated files take its name with a date and a counter (<c>auto_sync20241204_001.log</c>).</summary>
    public required string Path { get; init; }

    /// <summary>A file reaching this size is closed and a new one begun; 0 never rotates by size. Default 10 MiB.</summary>
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>How often a new file is begun whatever its size. Default a day.</summary>
    public LogRoll Roll { get; init; } = LogRoll.Day;

    /// <summary>Files kept, the current one included; older ones are deleted. Default 14.</summary>
    public int Keep { get; init; } = 14;
}
