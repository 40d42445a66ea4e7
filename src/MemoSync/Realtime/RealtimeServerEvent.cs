using System.Text.Json;

namespace MemoSync.Realtime;

/// <summary>
/// One event from the server, with accessors for the fields turns are made of; <see cref="Json"/> has the rest.
/// Generally-available event names (<c>response.output_audio.delta</c>...) are read as their beta names.
/// </summary>
/// <param name="Type">The event's type, one of <see cref="RealtimeEventTypes"/> or another the server sends.</param>
/// <param name="Json">The whole event.</param>
public sealed record RealtimeServerEvent(string Type, JsonElement Json)
{
    /// <summary>The response the event belongs to: <c>response_id</c>, or <c>response.id</c>.</summary>
    public string? ResponseId => String("response_id") ?? String("response", "id");

    /// <summary>The conversation item the event is about: <c>item_id</c>, or <c>item.id</c>.</summary>
    public string? ItemId => String("item_id") ?? String("item", "id");

    /// <summary>A delta's text, or its base64 audio.</summary>
    public string? Delta => String("delta");

    /// <summary>A transcript or text that is done: <c>transcript</c>, or <c>text</c>.</summary>
    public string? Transcript => String("transcript") ?? String("text");

    /// <summary>A finished response's status: completed, cancelled, incomplete or failed.</summary>
    public string? ResponseStatus => String("response", "status");

    /// <summary>Why a response ended so: <c>response.status_details.reason</c> (turn_detected, client_cancelled...).</summary>
    public string? StatusReason => String("response", "status_details", "reason");

    /// <summary>A truncation's end in the item's audio, in milliseconds.</summary>
    /// <remarks>Null unless it is a whole number of milliseconds from 0 to <see cref="int.MaxValue"/>.</remarks>
    public int? AudioEndMs => Json.TryGetProperty("audio_end_ms", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var ms) && ms >= 0
        ? ms
        : null;

    /// <summary>An error event's description: its message, code and type as far as the server gave them.</summary>
    public string? ErrorDescription => Json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
        ? string.Join(", ", new[] { String("error", "message"), String("error", "code"), String("error", "type") }.Where(s => s is { Length: > 0 }))
        : null;

    /// <summary>Reads one event.</summary>
    /// <exception cref="RealtimeProtocolException">The message is not UTF-8 JSON, or not an object with a string <c>type</c>.</exception>
    public static RealtimeServerEvent Parse(ReadOnlyMemory<byte> utf8)
    {
        // The JSON reader leaves the bytes inside strings unchecked until one is read: checked here, every string reads.
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            throw new RealtimeProtocolException($"The realtime server sent a message that is not UTF-8: {Excerpt(utf8)}");
        }
        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(utf8);
            json = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new RealtimeProtocolException($"The realtime server sent a message that is not JSON ({e.Message}): {Excerpt(utf8)}");
        }
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw new RealtimeProtocolException($"The realtime server sent an event without a type: {Excerpt(utf8)}");
        }
        return new RealtimeServerEvent(RealtimeEventTypes.Canonical(type.GetString()!), json);
    }

    private static string Excerpt(ReadOnlyMemory<byte> utf8) =>
        System.Text.Encoding.UTF8.GetString(utf8.Span[..Math.Min(utf8.Length, 200)]);

    private string? String(params string[] path)
    {
        var node = Json;
        foreach (var name in path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(name, out node))
            {
                return null;
            }
        }
        return node.ValueKind == JsonValueKind.String ? node.GetString() : null;
    }
}
