namespace MemoSync.Journal;

/// <summary>
/// The journal's following role: how far a followed file was read, kept beside the turns it became, so that a
/// restarted follower goes on where the last one stopped, on any host sharing the journal.
/// </summary>
public interface IFollowCheckpoints
{
    /// <summary>Where reading <paramref name="path"/> stands, or null when it was never followed.</summary>
    Task<FollowCheckpoint?> GetFollowCheckpointAsync(string path, CancellationToken ct = default);

    /// <summary>Keeps <paramref name="checkpoint"/> durably, in place of the one its path had.</summary>
    Task SaveFollowCheckpointAsync(FollowCheckpoint checkpoint, CancellationToken ct = default);
}

/// <summary>How far a followed file was read, and what tells whether the file at its path is still the one read.</summary>
/// <param name="Path">The followed file's full path.</param>
/// <param name="Position">Bytes read: the end of the last complete line.</param>
/// <param name="Lines">Lines before <paramref name="Position"/>, so that a bad line after it is named by its number in the file.</param>
/// <param name="FileId">The file's identity (device and inode) where the system tells it; null where it does not.</param>
/// <param name="TailHash">The SHA-256 of the bytes just before <paramref name="Position"/>: a file rewritten or truncated no longer has them there.</param>
public sealed record FollowCheckpoint(string Path, long Position, int Lines, string? FileId, string TailHash)
{
    /// <summary>The checkpoint of <paramref name="path"/> in a row of <c>JournalSql.GetFollowCheckpoint</c>, as both journals read it.</summary>
    internal static FollowCheckpoint Read(string path, System.Data.Common.DbDataReader row) =>
        new(path, row.GetInt64(0), row.GetInt32(1), row.IsDBNull(2) ? null : row.GetString(2), row.GetString(3));
}
