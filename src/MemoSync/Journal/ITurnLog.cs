namespace MemoSync.Journal;

/// <summary>The journal's recording role: turns go in, durable on return.</summary>
public interface ITurnLog
{
    /// <summary>Appends a turn durably; appending the same id twice keeps the first.</summary>
    /// <exception cref="TurnRejectedException">The turn is invalid; nothing was written.</exception>
    /// <exception cref="JournalUnavailableException">The journal cannot be written; the turn was not recorded.</exception>
    Task AppendAsync(Turn turn, CancellationToken ct = default);

    /// <summary>Appends several turns in one durable commit.</summary>
    Task AppendManyAsync(IReadOnlyList<Turn> turns, CancellationToken ct = default);

    /// <summary>
    /// Appends a turn durably and, in the same commit, leases it to <paramref name="lease"/>'s owner, unless an earlier
    /// pending turn of its user is not held by that owner (the turn then waits in the journal behind it). Returns the
    /// turn's place in the journal's order when it was leased, null when it was not (or its id was recorded before).
    /// </summary>
    /// <exception cref="TurnRejectedException">The turn is invalid; nothing was written.</exception>
    /// <exception cref="JournalUnavailableException">The journal cannot be written; the turn was not recorded.</exception>
    Task<long?> AppendLeasedAsync(Turn turn, TurnLease lease, CancellationToken ct = default);

    /// <summary>Adds imported lines in one durable commit, skipping those whose content hash was imported before; returns how many were added.</summary>
    Task<int> ImportAsync(IReadOnlyList<ImportedTurn> lines, CancellationToken ct = default);
}
