namespace MemoSync.Journal;

/// <summary>How a delivery that did not get through ends: when the turn is due again, and why.</summary>
/// <param name="NextAttemptAt">When the turn is due again.</param>
/// <param name="Failure">Why it failed, kept as the turn's <c>last_error</c>.</param>
/// <param name="ChargeRetry">Whether it counts towards the turn's retries (a paused delivery or a lost answer does not).</param>
/// <param name="OutcomeUnknown">The request went out and no answer came back: look for the blob before sending the turn again.</param>
public sealed record FailedAttempt(DateTimeOffset NextAttemptAt, string Failure, bool ChargeRetry = true, bool OutcomeUnknown = false);
