namespace MemoSync.Emulator;

/// <summary>What the emulator has stored, per user: the proof that every turn arrived exactly once.</summary>
/// <param name="Users">One entry per user that received a blob.</param>
/// <param name="BlobsReceived">All blobs stored.</param>
/// <param name="Duplicates">Blobs whose <c>fields.memosync_turn_id</c> had been stored before.</param>
/// <param name="Requests">API requests received (the healthcheck aside), answered or failed: the attempts clients made.</param>
/// <param name="FaultsInjected">Requests answered with an injected fault.</param>
/// <param name="LostAnswers">Blob inserts stored whose answer was then cut: the only way a correct client stores a turn twice.</param>
public sealed record EmulatorStats(IReadOnlyList<UserStats> Users, long BlobsReceived, long Duplicates, long Requests, long FaultsInjected, long LostAnswers);

/// <summary>The blobs one user received.</summary>
/// <param name="UserId">The Memobase user id.</param>
/// <param name="BlobsReceived">Blobs stored for the user.</param>
/// <param name="DistinctTurns">Distinct <c>fields.memosync_turn_id</c> values among them.</param>
/// <param name="Duplicates">Blobs carrying a turn id stored before.</param>
/// <param name="WithoutTurnId">Blobs without a <c>fields.memosync_turn_id</c>.</param>
public sealed record UserStats(Guid UserId, long BlobsReceived, long DistinctTurns, long Duplicates, long WithoutTurnId);
