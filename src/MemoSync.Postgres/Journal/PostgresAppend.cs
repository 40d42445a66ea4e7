namespace MemoSync.Journal;

/// <summary>A caller's append waiting for the next group commit: its rows, the lease it asks for, and what the commit gave it.</summary>
/// <param name="Rows">The turns, validated.</param>
/// <param name="Lease">The lease to take in the same commit (one row then), or null for a plain append.</param>
internal sealed record PostgresAppend(IReadOnlyList<TurnRow> Rows, TurnLease? Lease)
{
    /// <summary>After the commit: the turn's place when it was leased, null when it was not (or its id was recorded before).</summary>
    public long? LeasedSeq { get; set; }
}
