using System.Text.Json;
using System.Text.Json.Nodes;

namespace MemoSync.Emulator.Chat;

/// <summary>The parts of an OpenAI chat completion request the scripted endpoint uses; <see cref="Parse"/> names what is wrong.</summary>
internal sealed record ChatCompletionRequest(string Model, bool Stream, bool IncludeUsage, IReadOnlyList<ReceivedChatMessage> Messages)
{
    private static readonly string[] SystemRoles = ["system", "developer"];
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    /// <summary>The system and developer messages joined by blank lines, or null.</summary>
    public string? SystemPrompt => Messages.Where(m => SystemRoles.Contains(m.Role)).Select(m => m.Content).ToList() is { Count: > 0 } parts
        ? string.Join("\n\n", parts)
        : null;

    public string? LastUserMessage => Messages.LastOrDefault(m => m.Role == "user")?.Content;

    /// <summary>The request, or the reason it is refused and the parameter at fault (OpenAI's <c>param</c>).</summary>
    public static (ChatCompletionRequest? Request, string? Error, string? Param) Parse(string body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, $"The body is not valid JSON: {e.Message}", null);
        }
        if (root is not JsonObject request)
        {
            return (null, "The body must be a JSON object.", null);
        }
        if (request["model"] is not JsonValue model || !model.TryGetValue<string>(out var modelName) || modelName.Length == 0)
        {
            return (null, "you must provide a model parameter", "model");
        }
        if (request["messages"] is not JsonArray { Count: > 0 } messages)
        {
            return (null, "messages must be a non-empty array", "messages");
        }
        var parsed = new List<ReceivedChatMessage>();
        for (var i = 0; i < messages.Count; i++)
        {
            var role = messages[i]?["role"] is JsonValue r && r.TryGetValue<string>(out var text) ? text : null;
            if (role is null || !Roles.Contains(role))
            {
                return (null, $"messages[{i}].role must be one of {string.Join(", ", Roles)}", $"messages.[{i}].role");
            }
            if (Content(messages[i]!["content"]) is not { } content)
            {
                return (null, $"messages[{i}].content must be a string or an array of text parts", $"messages.[{i}].content");
            }
            parsed.Add(new ReceivedChatMessage(role, content));
        }
        var stream = request["stream"] is JsonValue s && s.TryGetValue<bool>(out var streamed) && streamed;
        var usage = request["stream_options"]?["include_usage"] is JsonValue u && u.TryGetValue<bool>(out var included) && included;
        return (new ChatCompletionRequest(modelName, stream, usage, parsed), null, null);
    }

    /// <summary>A string, an array of parts (the text parts joined), or null content (an assistant's tool call) read as empty.</summary>
    private static string? Content(JsonNode? content) => content switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonArray parts => string.Concat(parts.Select(p => p?["type"]?.GetValue<string>() == "text" ? p["text"]?.GetValue<string>() : null)),
        _ => null,
    };
}
