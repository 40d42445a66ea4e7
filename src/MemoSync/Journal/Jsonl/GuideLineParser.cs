using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MemoSync.Memobase.Models;

namespace MemoSync.Journal.Jsonl;

/// <summary>
/// Reads one line of the guide's <c>save_data.jsonl</c>:
/// <c>{"messages": [...], "synced": bool, "retry_count": n, "timestamp": "..."}</c>, plus the optional
/// <c>user_id</c>, <c>session_id</c> and <c>interrupted</c> MemoSync writes. Anything else is refused with the reason,
/// because a misspelt field would otherwise be silently lost.
/// </summary>
internal sealed class GuideLineParser(string? defaultUser, TurnValidator validator)
{
    private static readonly HashSet<string> Known = ["messages", "synced", "retry_count", "timestamp", "user_id", "session_id", "interrupted"];

    /// <summary>The line as a turn to import, or the reason it cannot be.</summary>
    public (ImportedTurn? Turn, string? Error) Parse(string line)
    {
        JsonObject obj;
        try
        {
            if (JsonNode.Parse(line) is not JsonObject parsed)
            {
                return (null, "not a JSON object");
            }
            obj = parsed;
        }
        catch (JsonException e)
        {
            return (null, $"not JSON ({e.Message})");
        }
        if (obj.Select(p => p.Key).FirstOrDefault(k => !Known.Contains(k)) is { } unknown)
        {
            return (null, $"unknown field '{unknown}'");
        }
        if (obj["messages"] is not JsonArray)
        {
            return (null, "messages: missing or not a list");
        }
        var user = obj["user_id"] is JsonValue u && u.TryGetValue<string>(out var id) ? id : defaultUser;
        if (string.IsNullOrWhiteSpace(user))
        {
            return (null, "user_id: missing, and no --user or USER_ID was given");
        }
        if (obj["synced"] is { } synced && synced.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return (null, "synced: must be true or false");
        }
        if (obj["retry_count"] is { } retries && (retries.GetValueKind() != JsonValueKind.Number || !retries.AsValue().TryGetValue<int>(out var n) || n < 0))
        {
            return (null, "retry_count: must be a whole number of at least 0");
        }
        if (obj["timestamp"] is not JsonValue ts || !ts.TryGetValue<string>(out var text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var timestamp))
        {
            return (null, "timestamp: missing or not a date and time");
        }
        IReadOnlyList<ChatMessage> messages;
        try
        {
            messages = obj["messages"].Deserialize(MemobaseJsonContext.Default.IReadOnlyListChatMessage)!;
        }
        catch (JsonException e)
        {
            return (null, $"messages: {e.Message}");
        }
        var session = (string?)obj["session_id"];
        TurnInterruption? interruption;
        try
        {
            interruption = TurnInterruptionNames.Parse((string?)obj["interrupted"]);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            return (null, $"interrupted: {e.Message}");
        }
        try
        {
            var turn = validator.Validate(new Turn(Guid.CreateVersion7(timestamp), user, session, messages, timestamp) { Interruption = interruption });
            return (new ImportedTurn(turn, (bool?)obj["synced"] ?? false, (int?)obj["retry_count"] ?? 0, Hash(user, session, timestamp, obj["messages"]!)), null);
        }
        catch (TurnRejectedException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>What makes two lines the same turn: who, when and what was said, not its sync state.</summary>
    private static string Hash(string user, string? session, DateTimeOffset timestamp, JsonNode messages)
    {
        var identity = $"{user}\n{session}\n{timestamp.ToUnixTimeMilliseconds()}\n{messages.ToJsonString()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }
}
