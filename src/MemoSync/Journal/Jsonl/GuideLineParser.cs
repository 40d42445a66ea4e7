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
/// <c>user_id</c>, <c>session_id</c> and <c>interrupted</c> MemoSync writes. Fields the format does not name are
/// ignored and reported (the guide's own code ignores them too). Whatever is wrong with a line, it comes back as the
/// reason, never as an exception: a field of the wrong type (a numeric <c>user_id</c> is never replaced by
/// <c>--user</c>), a field given twice, a string holding half of a UTF-16 surrogate pair, a time before 1970.
/// </summary>
internal sealed class GuideLineParser(string? defaultUser, TurnValidator validator)
{
    /// <summary>The fields the format names.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "messages", "synced", "retry_count", "timestamp", "user_id", "session_id", "interrupted",
    };

    private static readonly JsonDocumentOptions Json = new() { MaxDepth = 64 };

    /// <summary>The line as a turn to import with the fields it had that the format does not name, or the reason it cannot be.</summary>
    public (ImportedTurn? Turn, string? Error, IReadOnlyList<string> UnknownFields) Parse(string line)
    {
        try
        {
            return ParseLine(line);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Every case known is a reason below; anything else still names its line and stops nothing else.
            return (null, $"unexpected error reading the line: {e.GetType().Name}: {e.Message}", []);
        }
    }

    private (ImportedTurn? Turn, string? Error, IReadOnlyList<string> UnknownFields) ParseLine(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, Json);
        }
        catch (JsonException e)
        {
            return (null, $"not JSON ({e.Message})", []);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "not a JSON object", []);
            }
            if (CheckStrings(root, "") is { } wrong)
            {
                return (null, wrong, []);
            }
            var unknown = root.EnumerateObject().Select(p => p.Name).Where(n => !Known.Contains(n)).Distinct().ToList();
            var (turn, error) = Read(root);
            return (turn, error, turn is null ? [] : unknown);
        }
    }

    private (ImportedTurn? Turn, string? Error) Read(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return (null, "messages: missing or not a list");
        }
        string? user;
        if (root.TryGetProperty("user_id", out var u))
        {
            if (u.ValueKind != JsonValueKind.String)
            {
                return (null, $"user_id: must be a string, got {Kind(u)}");
            }
            user = u.GetString();
        }
        else
        {
            user = defaultUser;
        }
        if (string.IsNullOrWhiteSpace(user))
        {
            return (null, root.TryGetProperty("user_id", out _) ? "user_id: is empty" : "user_id: missing, and no --user or USER_ID was given");
        }
        var synced = false;
        if (root.TryGetProperty("synced", out var s))
        {
            if (s.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (null, "synced: must be true or false");
            }
            synced = s.GetBoolean();
        }
        var retries = 0;
        if (root.TryGetProperty("retry_count", out var r) && (r.ValueKind != JsonValueKind.Number || !r.TryGetInt32(out retries) || retries < 0))
        {
            return (null, "retry_count: must be a whole number of at least 0");
        }
        if (!root.TryGetProperty("timestamp", out var ts) || ts.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(ts.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var timestamp))
        {
            return (null, "timestamp: missing or not a date and time");
        }
        if (timestamp < DateTimeOffset.UnixEpoch)
        {
            return (null, $"timestamp: {GuideJsonlSummary.Printable(ts.GetString()!)} is before 1970");
        }
        if (OptionalString(root, "session_id", out var session) is { } sessionError)
        {
            return (null, sessionError);
        }
        if (OptionalString(root, "interrupted", out var interrupted) is { } interruptedError)
        {
            return (null, interruptedError);
        }
        TurnInterruption? interruption;
        try
        {
            interruption = TurnInterruptionNames.Parse(interrupted);
        }
        catch (FormatException e)
        {
            return (null, $"interrupted: {e.Message}");
        }
        var messages = new List<ChatMessage>(list.GetArrayLength());
        var i = 0;
        foreach (var m in list.EnumerateArray())
        {
            var (message, error) = Message(m, i++);
            if (message is null)
            {
                return (null, error);
            }
            messages.Add(message);
        }
        try
        {
            var turn = validator.Validate(new Turn(Guid.CreateVersion7(timestamp), user, session, messages, timestamp) { Interruption = interruption });
            return (new ImportedTurn(turn, synced, retries, Hash(user, session, timestamp, list)), null);
        }
        catch (TurnRejectedException e)
        {
            return (null, e.Message);
        }
    }

    private static (ChatMessage? Message, string? Error) Message(JsonElement m, int i)
    {
        if (m.ValueKind != JsonValueKind.Object)
        {
            return (null, $"messages[{i}]: must be an object, got {Kind(m)}");
        }
        // Fields of a message other than these are ignored, as Memobase's own client does.
        var role = m.TryGetProperty("role", out var r) ? r : default;
        var content = m.TryGetProperty("content", out var c) ? c : default;
        if (role.ValueKind != JsonValueKind.String)
        {
            return (null, $"messages[{i}].role: must be 'user' or 'assistant', got {Kind(role)}");
        }
        if (content.ValueKind != JsonValueKind.String)
        {
            return (null, $"messages[{i}].content: must be a string, got {Kind(content)}");
        }
        if (OptionalString(m, "alias", out var alias) is { } aliasError)
        {
            return (null, $"messages[{i}].{aliasError}");
        }
        if (OptionalString(m, "created_at", out var createdAt) is { } createdError)
        {
            return (null, $"messages[{i}].{createdError}");
        }
        return (new ChatMessage(r.GetString()!, c.GetString()!, alias, createdAt), null);
    }

    /// <summary>An optional string field: absent or null is none; anything but a string is the reason.</summary>
    private static string? OptionalString(JsonElement obj, string name, out string? value)
    {
        value = null;
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            return $"{name}: must be a string, got {Kind(v)}";
        }
        value = v.GetString();
        return null;
    }

    /// <summary>
    /// The first field given twice in one object, or string that is not text (a <c>\ud800</c> without its pair, which
    /// no UTF-8 text can hold), as the reason; null when there is none.
    /// </summary>
    private static string? CheckStrings(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!Text(() => property.Name, out var name))
                    {
                        return $"{GuideJsonlSummary.Printable(Join(path, "?"))}: a field name holds half of a UTF-16 surrogate pair (such as \\ud800 alone), which is not text";
                    }
                    if (!names.Add(name))
                    {
                        return $"{GuideJsonlSummary.Printable(Join(path, name))}: given twice";
                    }
                    if (CheckStrings(property.Value, Join(path, name)) is { } error)
                    {
                        return error;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (CheckStrings(item, $"{path}[{i++}]") is { } error)
                    {
                        return error;
                    }
                }
                return null;
            case JsonValueKind.String:
                return Text(element.GetString, out _) ? null
                    : $"{GuideJsonlSummary.Printable(path)}: holds half of a UTF-16 surrogate pair (such as \\ud800 alone), which is not text";
            default:
                return null;
        }
    }

    private static bool Text(Func<string?> read, out string text)
    {
        try
        {
            text = read() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Undefined => "nothing",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "a list",
        _ => "an object",
    };

    /// <summary>What makes two lines the same turn: who, when and what was said, not its sync state.</summary>
    private static string Hash(string user, string? session, DateTimeOffset timestamp, JsonElement messages)
    {
        // The messages as System.Text.Json writes them back, as every version of MemoSync has hashed them.
        var identity = $"{user}\n{session}\n{timestamp.ToUnixTimeMilliseconds()}\n{JsonArray.Create(messages)!.ToJsonString()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }
}
