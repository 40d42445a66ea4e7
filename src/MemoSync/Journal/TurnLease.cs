namespace MemoSync.Journal;

/// <summary>A claim on turns: nobody but <paramref name="Owner"/> delivers them until <paramref name="Duration"/> has passed without a renewal.</summary>
/// <param name="Owner">Who holds the turns: one delivery engine.</param>
/// <param name="Duration">How long a claim or a renewal holds, counted by the journal's clock.</param>
public sealed record TurnLease(string Owner, TimeSpan Duration);
