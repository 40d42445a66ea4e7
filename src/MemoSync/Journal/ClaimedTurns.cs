namespace MemoSync.Journal;

/// <summary>What a claim leased, and when the journal next holds a due turn for the claimer.</summary>
/// <param name="Turns">The turns leased, in the journal's order.</param>
/// <param name="NextDue">
/// When the earliest pending turn left behind falls due (its backoff ends, or another owner's lease runs out): now when
/// the claim stopped at its limit, null when nothing is left but what the claimer holds.
/// </param>
public sealed record ClaimedTurns(IReadOnlyList<JournalEntry> Turns, DateTimeOffset? NextDue);
