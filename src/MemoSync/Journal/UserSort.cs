namespace MemoSync.Journal;

/// <summary>What a list of users can be sorted by, in the order of the columns of <see cref="UserSummary"/>.</summary>
public enum UserSort
{
    /// <summary>The user id.</summary>
    UserId,

    /// <summary>Pending turns.</summary>
    Pending,

    /// <summary>Synced turns.</summary>
    Synced,

    /// <summary>Dead turns.</summary>
    Dead,

    /// <summary>When a turn of theirs was last synced.</summary>
    LastSynced,

    /// <summary>Their oldest pending turn.</summary>
    OldestPending,
}
