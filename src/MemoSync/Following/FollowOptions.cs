namespace MemoSync.Following;

/// <summary>Which files of the guide's JSONL <c>AddMemoSync</c> follows while the host runs, and how.</summary>
public sealed class FollowOptions
{
    /// <summary>The usual wait between two looks at a file when no notification came.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The files to follow (<c>MEMOSYNC_FOLLOW</c>, paths separated by <see cref="Path.PathSeparator"/>; <c>memosync run --follow</c>);
    /// a relative path is taken from the current folder. Default none: nothing is followed.
    /// </summary>
    public IList<string> Files { get; } = new List<string>();

    /// <summary>The user of lines without <c>user_id</c> (<c>USER_ID</c>). Default none: such a line is a bad line.</summary>
    public string? DefaultUser { get; set; }

    /// <summary>
    /// How long a follower waits for a notification of the file's change before it looks anyway: notifications can be lost, or be
    /// unavailable (a network file system). Default 250 ms.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>Why these options cannot be used, or null.</summary>
    internal string? Validate() => PollInterval <= TimeSpan.Zero ? $"Follow: PollInterval must be positive, got {PollInterval}" : null;
}
