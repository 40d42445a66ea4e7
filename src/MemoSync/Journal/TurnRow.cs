using System.Text.Json;
using MemoSync.Memobase.Models;

namespace MemoSync.Journal;

/// <summary>
/// A turn as the journals store it: the messages serialized to JSON once, on the caller's thread, so
/// concurrent appenders share that work and a journal's writer only writes.
/// </summary>
internal sealed record TurnRow(Guid Id, string UserId, string? SessionId, string Messages, DateTimeOffset Timestamp, string? Interruption,
    string? TraceParent)
{
    public static TurnRow Of(Turn turn) => new(turn.Id, turn.UserId, turn.SessionId,
        JsonSerializer.Serialize(turn.Messages, MemobaseJsonContext.Default.IReadOnlyListChatMessage), turn.Timestamp, turn.Interruption?.Name(),
        turn.TraceParent);

    /// <summary>The turn a stored row holds.</summary>
    public static Turn ToTurn(Guid id, string userId, string? sessionId, string messages, DateTimeOffset timestamp, string? interruption,
        string? traceParent) =>
        new(id, userId, sessionId, JsonSerializer.Deserialize(messages, MemobaseJsonContext.Default.IReadOnlyListChatMessage)!, timestamp)
        {
            Interruption = TurnInterruptionNames.Parse(interruption),
            TraceParent = traceParent,
        };
}
