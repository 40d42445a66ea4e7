namespace MemoSync.Journal;

/// <summary>One user's turns at a glance, for a list of users.</summary>
/// <param name="UserId">The application's user id.</param>
/// <param name="Pending">Pending turns.</param>
/// <param name="Synced">Synced turns.</param>
/// <param name="Dead">Dead turns.</param>
/// <param name="LastSyncedAt">When Memobase last took one of their turns, or null.</param>
/// <param name="OldestPending">The timestamp of their oldest pending turn, or null.</param>
public sealed record UserSummary(string UserId, long Pending, long Synced, long Dead, DateTimeOffset? LastSyncedAt, DateTimeOffset? OldestPending);
