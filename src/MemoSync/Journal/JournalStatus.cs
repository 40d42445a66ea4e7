namespace MemoSync.Journal;

/// <summary>What the journal holds, for <c>memosync status</c> and health checks.</summary>
/// <param name="Pending">Turns not yet delivered.</param>
/// <param name="Synced">Turns Memobase has.</param>
/// <param name="Dead">Turns that wait for a person.</param>
/// <param name="OldestPending">The timestamp of the oldest pending turn.</param>
/// <param name="Users">Counts per user.</param>
/// <param name="RecentErrors">The latest failures, newest first.</param>
public sealed record JournalStatus(
    long Pending,
    long Synced,
    long Dead,
    DateTimeOffset? OldestPending,
    IReadOnlyList<UserTurnCounts> Users,
    IReadOnlyList<TurnError> RecentErrors);

/// <summary>One user's turns by state.</summary>
/// <param name="UserId">The application's user id.</param>
/// <param name="Pending">Pending turns.</param>
/// <param name="Synced">Synced turns.</param>
/// <param name="Dead">Dead turns.</param>
public sealed record UserTurnCounts(string UserId, long Pending, long Synced, long Dead);

/// <summary>A turn's last failure.</summary>
/// <param name="TurnId">The turn.</param>
/// <param name="UserId">Its user.</param>
/// <param name="State">Pending (will be retried) or dead.</param>
/// <param name="RetryCount">Attempts so far.</param>
/// <param name="Error">What went wrong.</param>
public sealed record TurnError(Guid TurnId, string UserId, TurnState State, int RetryCount, string Error);
