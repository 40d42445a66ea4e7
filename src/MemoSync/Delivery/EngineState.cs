namespace MemoSync.Delivery;

/// <summary>What a delivery engine is doing at one moment, for people to look at.</summary>
/// <param name="Owner">Who its leases are held by.</param>
/// <param name="Lanes">How many users it delivers for side by side.</param>
/// <param name="Held">Turns it holds: waiting for a lane, or in flight.</param>
/// <param name="InFlight">The turns being delivered now, the longest running first.</param>
/// <param name="PausedUntil">While delivery is paused because Memobase refused the token or URL, when it resumes; otherwise null.</param>
/// <param name="Failing">Memobase did not take the latest first attempts: it is down or failing, and turns back off.</param>
/// <param name="Draining">The engine is stopping: it takes no more turns.</param>
/// <param name="Fatal">Why it stopped for good (the journal is damaged), or null while it runs.</param>
public sealed record EngineState(string Owner, int Lanes, int Held, IReadOnlyList<InFlightTurn> InFlight, DateTimeOffset? PausedUntil, bool Failing,
    bool Draining, string? Fatal);
