namespace MemoSync.Delivery;

/// <summary>A turn being delivered.</summary>
/// <param name="TurnId">The turn.</param>
/// <param name="UserId">Its user.</param>
/// <param name="Attempt">Which attempt this is (1 for the first).</param>
/// <param name="Since">When this attempt began.</param>
public sealed record InFlightTurn(Guid TurnId, string UserId, int Attempt, DateTimeOffset Since);
