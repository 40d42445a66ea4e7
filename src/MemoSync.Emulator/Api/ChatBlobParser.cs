using System.Text.Json.Nodes;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary>
/// Parses <c>blob_data</c> of a chat blob as the insert does, after request validation: a failure is
/// the server's HTTP 200 errno 400 "Unable to parse blob", and the token size feeds the buffer.
/// </summary>
internal static class ChatBlobParser
{
    /// <summary>The blob's token estimate, or the reason it cannot be parsed.</summary>
    public static (int Tokens, string? Error) Parse(JsonObject blobData)
    {
        if (blobData["messages"] is not JsonArray messages)
        {
            return (0, "messages: Field required");
        }
        var tokens = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message)
            {
                return (0, $"messages.{i}: Input should be a valid dictionary");
            }
            var role = message["role"] is JsonValue r && r.TryGetValue<string>(out var text) ? text : null;
            if (role is not (ChatMessage.UserRole or ChatMessage.AssistantRole))
            {
                return (0, $"messages.{i}.role: Input should be 'user' or 'assistant'");
            }
            if (message["content"] is not JsonValue c || !c.TryGetValue<string>(out var content))
            {
                return (0, $"messages.{i}.content: Field required");
            }
            tokens += TokenEstimate.Of($"{role}: {content}");
        }
        return (tokens, null);
    }
}
