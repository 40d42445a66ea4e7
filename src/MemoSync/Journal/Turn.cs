using MemoSync.Memobase.Models;

namespace MemoSync.Journal;

/// <summary>One exchange between a person and an assistant, as the journal keeps it and Memobase receives it.</summary>
/// <param name="Id">A UUIDv7: time-ordered, so the journal's order is the conversation's.</param>
/// <param name="UserId">The application's user id (mapped to a Memobase user id on delivery).</param>
/// <param name="SessionId">The conversation the turn belongs to, if the application has one.</param>
/// <param name="Messages">The messages, each with its own time.</param>
/// <param name="Timestamp">When the turn ended.</param>
public sealed record Turn(Guid Id, string UserId, string? SessionId, IReadOnlyList<ChatMessage> Messages, DateTimeOffset Timestamp)
{
    /// <summary>Set when the assistant's message stops short: it then holds only what the person heard.</summary>
    public TurnInterruption? Interruption { get; init; }

    /// <summary>
    /// The trace the turn was recorded in, as a W3C <c>traceparent</c> (<see cref="System.Diagnostics.Activity.Id"/>), or null
    /// outside a trace: its delivery, in this process or another one later, continues that trace.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>A new turn with a UUIDv7 id taken at <paramref name="time"/>'s now.</summary>
    public static Turn Create(string userId, string? sessionId, IReadOnlyList<ChatMessage> messages, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        return new Turn(Guid.CreateVersion7(now), userId, sessionId, messages, now);
    }
}
