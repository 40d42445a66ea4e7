using System.Text;
using MemoSync.Memobase.Models;

namespace MemoSync.Journal;

/// <summary>Checks a turn before it is appended, so that only what Memobase accepts enters the journal.</summary>
public sealed class TurnValidator(TurnLimits limits)
{
    /// <summary>
    /// The turns as a journal stores them, validated and serialized on the caller's thread, so concurrent callers
    /// share that work and the journal's writer only writes.
    /// </summary>
    /// <exception cref="TurnRejectedException">A turn is not acceptable; the exception names the field.</exception>
    internal List<TurnRow> Rows(IReadOnlyList<Turn> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        return turns.Select(t => TurnRow.Of(Validate(t))).ToList();
    }

    /// <summary>The turn as it will be recorded (other roles dropped when <see cref="TurnLimits.DropOtherRoles"/>).</summary>
    /// <exception cref="TurnRejectedException">The turn is not acceptable; the exception names the field.</exception>
    public Turn Validate(Turn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (string.IsNullOrWhiteSpace(turn.UserId))
        {
            throw new TurnRejectedException("user_id", "is empty");
        }
        if (turn.UserId.Length > limits.MaxIdLength || turn.UserId.Any(char.IsControl))
        {
            throw new TurnRejectedException("user_id", $"must be at most {limits.MaxIdLength} printable characters");
        }
        if (turn.SessionId is { } session && (session.Length > limits.MaxIdLength || session.Any(char.IsControl)))
        {
            throw new TurnRejectedException("session_id", $"must be at most {limits.MaxIdLength} printable characters");
        }
        if (turn.Messages is null || turn.Messages.Count == 0)
        {
            throw new TurnRejectedException("messages", "a turn needs at least one message");
        }
        var kept = new List<ChatMessage>(turn.Messages.Count);
        var bytes = 0;
        for (var i = 0; i < turn.Messages.Count; i++)
        {
            var message = turn.Messages[i];
            if (message.Role is not (ChatMessage.UserRole or ChatMessage.AssistantRole))
            {
                if (limits.DropOtherRoles)
                {
                    continue;
                }
                throw new TurnRejectedException($"messages[{i}].role", $"must be 'user' or 'assistant', got '{message.Role}'");
            }
            if (string.IsNullOrWhiteSpace(message.Content))
            {
                throw new TurnRejectedException($"messages[{i}].content", "is empty");
            }
            bytes += Encoding.UTF8.GetByteCount(message.Content);
            kept.Add(message);
        }
        if (kept.Count == 0)
        {
            throw new TurnRejectedException("messages", "no user or assistant message is left once other roles are dropped");
        }
        if (bytes > limits.MaxTurnBytes)
        {
            throw new TurnRejectedException("messages", $"{bytes} bytes of content, more than the limit of {limits.MaxTurnBytes}");
        }
        return kept.Count == turn.Messages.Count ? turn : turn with { Messages = kept };
    }
}

/// <summary>What a turn may hold.</summary>
public sealed record TurnLimits
{
    /// <summary>Content bytes (UTF-8) of all messages together. Default 256 KiB.</summary>
    public int MaxTurnBytes { get; init; } = 256 * 1024;

    /// <summary>Characters of a user or session id. Default 256.</summary>
    public int MaxIdLength { get; init; } = 256;

    /// <summary>
    /// Bytes of one JSONL line (<c>import</c>, <c>record</c>); a longer line is a bad line, and no more than this is
    /// held in memory while it is read. Default 2 MiB: room for <see cref="MaxTurnBytes"/> of content written with
    /// Python's <c>json.dumps</c>, which escapes every character outside ASCII as <c>\uXXXX</c>.
    /// </summary>
    public int MaxLineBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>Drop system and tool messages instead of refusing the turn. Default false.</summary>
    public bool DropOtherRoles { get; init; }
}
