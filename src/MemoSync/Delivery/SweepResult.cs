namespace MemoSync.Delivery;

/// <summary>What one sweep did: the totals the sweep log ends with.</summary>
/// <param name="Claimed">Due turns claimed.</param>
/// <param name="Synced">Delivered.</param>
/// <param name="Retrying">Failed, due again later.</param>
/// <param name="Dead">Given up on.</param>
/// <param name="Paused">True when Memobase refused the token or URL and the sweep stopped.</param>
public sealed record SweepResult(int Claimed, int Synced, int Retrying, int Dead, bool Paused);
