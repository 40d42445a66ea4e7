using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MemoSync.Emulator.Chat;

namespace MemoSync.Emulator.Realtime;

/// <summary>
/// One WebSocket session of the scripted realtime endpoint, speaking the OpenAI Realtime beta protocol: the session,
/// the input audio buffer (with a stand-in for server voice detection: audio that starts is speech, a commit ends it),
/// user items, and responses streamed word by word on their own task, so that the person can cancel or speak over them.
/// </summary>
internal sealed class ScriptedRealtimeSession(WebSocket socket, Action abort, ScriptedChat chat, ReceivedLog<ReceivedRealtimeResponse> log, TimeProvider time, string model)
    : IDisposable
{
    /// <summary>PCM16 mono at 24 kHz: bytes of audio per millisecond.</summary>
    private const int BytesPerMs = 48;

    /// <summary>Each word's audio: a quiet 150 ms tone and 50 ms of silence.</summary>
    private static readonly byte[] WordAudio = Tone();

    /// <summary>The session's fields a <c>session.update</c> may set; its id, object and model are the server's.</summary>
    private static readonly HashSet<string> Updatable =
    [
        "modalities", "instructions", "voice", "turn_detection", "input_audio_transcription", "input_audio_format", "output_audio_format",
        "tools", "tool_choice", "temperature", "max_response_output_tokens",
    ];

    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly MemoryStream _audio = new();
    private readonly HashSet<string> _assistantItems = [];
    private readonly JsonObject _session = new()
    {
        ["id"] = Id("sess"), ["object"] = "realtime.session", ["model"] = model, ["modalities"] = new JsonArray("text", "audio"),
        ["instructions"] = "", ["voice"] = "alloy", ["input_audio_format"] = "pcm16", ["output_audio_format"] = "pcm16",
        ["input_audio_transcription"] = null,
        ["turn_detection"] = new JsonObject { ["type"] = "server_vad", ["threshold"] = 0.5, ["prefix_padding_ms"] = 300, ["silence_duration_ms"] = 500 },
    };
    private ScriptedResponse? _response;
    private string? _speechItem;
    private string? _lastUserInput;
    private string? _lastItem;

    public void Dispose()
    {
        _response?.Dispose();
        _audio.Dispose();
        _send.Dispose();
    }

    private bool ServerVad => _session["turn_detection"] is JsonObject { } detection && (string?)detection["type"] == "server_vad";

    public async Task RunAsync(CancellationToken ct)
    {
        await SendAsync(Event("session.created", ("session", _session.DeepClone())), ct);
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(message.GetMemory(16 * 1024), ct);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                    break;
                }
                message.Advance(received.Count);
                if (received.EndOfMessage)
                {
                    await HandleAsync(message.WrittenMemory, ct);
                    message.ResetWrittenCount();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away without a close, or the session was cut: it ends with it.
        }
        finally
        {
            if (_response is { } streaming)
            {
                await streaming.Stop.CancelAsync();
                await streaming.Streaming;
            }
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> utf8, CancellationToken ct)
    {
        JsonObject clientEvent;
        try
        {
            clientEvent = JsonNode.Parse(utf8.Span) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            await ErrorAsync("invalid_json", $"The event is not a JSON object: {e.Message}", null, ct);
            return;
        }
        var eventId = (string?)clientEvent["event_id"];
        switch ((string?)clientEvent["type"])
        {
            case "session.update" when clientEvent["session"] is JsonObject changes:
                await UpdateSessionAsync(changes, eventId, ct);
                break;
            case "input_audio_buffer.append":
                await AppendAsync(clientEvent, eventId, ct);
                break;
            case "input_audio_buffer.commit":
                await CommitAsync(eventId, ct);
                break;
            case "input_audio_buffer.clear":
                _audio.SetLength(0);
                _speechItem = null;
                await SendAsync(Event("input_audio_buffer.cleared"), ct);
                break;
            case "conversation.item.create" when clientEvent["item"] is JsonObject item:
                item["id"] ??= Id("item");
                item["object"] = "realtime.item";
                item["status"] = "completed";
                if ((string?)item["role"] == "user" && item["content"] is JsonArray content)
                {
                    _lastUserInput = string.Join(" ", content.OfType<JsonObject>().Select(c => (string?)c["text"]).Where(t => t is not null));
                }
                await SendAsync(Event("conversation.item.created", ("previous_item_id", _lastItem), ("item", item.DeepClone())), ct);
                _lastItem = (string?)item["id"];
                break;
            case "response.create":
                await StartResponseAsync(clientEvent["response"] as JsonObject, eventId, ct);
                break;
            case "response.cancel":
                if (_response is not { } streaming || !await StopAsync(streaming, "client_cancelled", null, ct))
                {
                    await ErrorAsync("response_cancel_not_active", "There is no active response to cancel.", eventId, ct);
                }
                break;
            case "conversation.item.truncate":
                var truncated = (string?)clientEvent["item_id"];
                if (truncated is null || !_assistantItems.Contains(truncated))
                {
                    await ErrorAsync("item_truncate_invalid_item_id", $"No assistant item '{truncated}' to truncate.", eventId, ct);
                    break;
                }
                await SendAsync(Event("conversation.item.truncated", ("item_id", truncated), ("content_index", (int?)clientEvent["content_index"] ?? 0),
                    ("audio_end_ms", (int?)clientEvent["audio_end_ms"] ?? 0)), ct);
                break;
            case var type:
                await ErrorAsync("unknown_event", type is null ? "The event has no type." : $"Unknown or incomplete event '{type}'.", eventId, ct);
                break;
        }
    }

    /// <summary>Merges the changes, or, when one of them is not a field a client may set, refuses them all (as the service does).</summary>
    private async Task UpdateSessionAsync(JsonObject changes, string? eventId, CancellationToken ct)
    {
        if (changes.Select(c => c.Key).FirstOrDefault(name => !Updatable.Contains(name)) is { } unknown)
        {
            await ErrorAsync("unknown_parameter", $"Unknown or read-only parameter: 'session.{unknown}'.", eventId, ct);
            return;
        }
        foreach (var (name, value) in changes)
        {
            _session[name] = value?.DeepClone();
        }
        await SendAsync(Event("session.updated", ("session", _session.DeepClone())), ct);
    }

    private async Task AppendAsync(JsonObject clientEvent, string? eventId, CancellationToken ct)
    {
        byte[] pcm;
        try
        {
            pcm = Convert.FromBase64String((string?)clientEvent["audio"] ?? throw new FormatException("audio is missing"));
        }
        catch (FormatException e)
        {
            await ErrorAsync("invalid_value", $"input_audio_buffer.append: audio must be base64 PCM16: {e.Message}", eventId, ct);
            return;
        }
        if (ServerVad && _speechItem is null)
        {
            // Speech begins: an answer playing now is one the person speaks over.
            _speechItem = Id("item");
            var started = Event("input_audio_buffer.speech_started", ("audio_start_ms", _audio.Length / BytesPerMs), ("item_id", _speechItem));
            if (_response is not { } playing || !await StopAsync(playing, "turn_detected", started, ct))
            {
                await SendAsync(started, ct);
            }
        }
        await _audio.WriteAsync(pcm, ct);
    }

    private async Task CommitAsync(string? eventId, CancellationToken ct)
    {
        if (_audio.Length == 0)
        {
            await ErrorAsync("input_audio_buffer_commit_empty", "The input audio buffer is empty: append audio before committing.", eventId, ct);
            return;
        }
        var item = _speechItem ?? Id("item");
        var vad = ServerVad;
        if (vad)
        {
            await SendAsync(Event("input_audio_buffer.speech_stopped", ("audio_end_ms", _audio.Length / BytesPerMs), ("item_id", item)), ct);
        }
        await SendAsync(Event("input_audio_buffer.committed", ("previous_item_id", _lastItem), ("item_id", item)), ct);
        await SendAsync(Event("conversation.item.created", ("previous_item_id", _lastItem), ("item", new JsonObject
        {
            ["id"] = item, ["object"] = "realtime.item", ["type"] = "message", ["role"] = "user", ["status"] = "completed",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["transcript"] = null }),
        })), ct);
        _lastUserInput = chat.NextTranscript(_audio.Length / (BytesPerMs * 1000.0));
        await SendAsync(Event("conversation.item.input_audio_transcription.completed", ("item_id", item), ("content_index", 0),
            ("transcript", _lastUserInput)), ct);
        (_lastItem, _speechItem) = (item, null);
        _audio.SetLength(0);
        if (vad)
        {
            await StartResponseAsync(null, null, ct);
        }
    }

    private async Task StartResponseAsync(JsonObject? overrides, string? eventId, CancellationToken ct)
    {
        if (_response is { } previous)
        {
            if (!previous.Ended && !previous.Stop.IsCancellationRequested)
            {
                await ErrorAsync("conversation_already_has_active_response", "The conversation already has an active response.", eventId, ct);
                return;
            }
            // Ending (stopped, say, as the person spoke over it): its response.done goes out before the next response begins.
            await previous.Streaming.WaitAsync(ct);
            previous.Dispose();
        }
        var response = new ScriptedResponse(Id("resp"), Id("item"));
        _assistantItems.Add(response.ItemId);
        _response = response;
        var modalities = (overrides?["modalities"] ?? _session["modalities"]) is JsonArray m ? m.Select(x => (string?)x ?? "").ToList() : ["text"];
        var (answer, outcome, settings) = chat.Next(_lastUserInput);
        var received = new ReceivedRealtimeResponse(time.GetUtcNow(), model, (string?)(overrides?["instructions"] ?? _session["instructions"]), modalities,
            _lastUserInput, outcome, "");
        await SendAsync(Event("response.created", ("response", Response(response, "in_progress", null, null))), ct);
        response.Streaming = Task.Run(() => StreamAsync(response, answer, outcome, settings, modalities.Contains("audio"), received), CancellationToken.None);
    }

    /// <summary>Streams the answer until it is done or stopped, ends it with <c>response.done</c>, and logs it.</summary>
    private async Task StreamAsync(ScriptedResponse response, string answer, string outcome, ScriptedChatSettings settings, bool audio,
        ReceivedRealtimeResponse received)
    {
        var stop = response.Stop.Token;
        var (status, reason) = ("completed", (string?)null);
        var itemAdded = false;
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(settings.LatencyMs), time, stop);
            if (outcome == ChatOutcome.Failed)
            {
                await SendAsync(Event("error", ("error", ServerError())), stop);
                (status, reason) = ("failed", null);
                return;
            }
            var ids = new (string, JsonNode?)[] { ("response_id", response.Id), ("item_id", response.ItemId), ("output_index", 0), ("content_index", 0) };
            await SendAsync(Event("response.output_item.added", ("response_id", response.Id), ("output_index", 0), ("item", AssistantItem(response, "in_progress"))), stop);
            itemAdded = true;
            await SendAsync(Event("response.content_part.added", [.. ids, ("part", Part(audio, ""))]), stop);
            var pieces = ChatCompletionEndpoints.Pieces(answer);
            var cutAt = outcome is ChatOutcome.Interrupted or ChatOutcome.Dropped ? Math.Max(1, pieces.Count / 2) : pieces.Count;
            for (var i = 0; i < cutAt; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(settings.ChunkDelayMs), time, stop);
                }
                await SendWordAsync(response, pieces[i], audio, ids, stop);
            }
            if (outcome == ChatOutcome.Dropped)
            {
                // Let what was sent leave before the cut (a cut at once would discard it): the network's time, not the script's.
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
                abort();
                (status, reason) = ("dropped", null);
                return;
            }
            if (outcome == ChatOutcome.Interrupted)
            {
                // The scripted person speaks over the second half.
                await StopAsync(response, "turn_detected", Event("input_audio_buffer.speech_started", ("audio_start_ms", 0), ("item_id", Id("item"))), stop);
                stop.ThrowIfCancellationRequested();
            }
            var text = response.Sent.ToString();
            await SendAsync(audio ? Event("response.audio.done", ids) : Event("response.text.done", [.. ids, ("text", text)]), stop);
            if (audio)
            {
                await SendAsync(Event("response.audio_transcript.done", [.. ids, ("transcript", text)]), stop);
            }
            await SendAsync(Event("response.content_part.done", [.. ids, ("part", Part(audio, text))]), stop);
            await SendAsync(Event("response.output_item.done", ("response_id", response.Id), ("output_index", 0), ("item", AssistantItem(response, "completed", audio, text))), stop);
        }
        catch (OperationCanceledException)
        {
            (status, reason) = ("cancelled", response.StopReason ?? "client_cancelled");
        }
        catch (WebSocketException)
        {
            (status, reason) = ("dropped", null);
        }
        finally
        {
            response.Ended = true;
            log.Add(received with
            {
                Outcome = status switch
                {
                    "completed" => ChatOutcome.Answered,
                    "cancelled" => reason == "turn_detected" ? ChatOutcome.Interrupted : ChatOutcome.Cancelled,
                    _ => status,
                },
                Sent = response.Sent.ToString().Trim(),
            });
            if (status is not "dropped")
            {
                var output = itemAdded ? AssistantItem(response, status == "completed" ? "completed" : "incomplete", audio, response.Sent.ToString()) : null;
                await SendQuietlyAsync(Event("response.done", ("response", Response(response, status, reason, output))));
            }
        }
    }

    /// <summary>One word: its transcript (or text) and then its audio, both only while the response is not stopped.</summary>
    private async Task SendWordAsync(ScriptedResponse response, string word, bool audio, (string, JsonNode?)[] ids, CancellationToken stop)
    {
        await _send.WaitAsync(stop);
        try
        {
            stop.ThrowIfCancellationRequested();
            await SendLockedAsync(Event(audio ? "response.audio_transcript.delta" : "response.text.delta", [.. ids, ("delta", word)]), stop);
            if (audio)
            {
                await SendLockedAsync(Event("response.audio.delta", [.. ids, ("delta", Convert.ToBase64String(WordAudio))]), stop);
            }
            response.Sent.Append(word);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>
    /// Stops the response, sending <paramref name="first"/> (the speech that stopped it) before anything else can go out;
    /// false when it has ended or is being stopped already. Its own task stops it too (a scripted interruption), possibly
    /// before <see cref="ScriptedResponse.Streaming"/> is set: hence <see cref="ScriptedResponse.Ended"/>.
    /// </summary>
    private async Task<bool> StopAsync(ScriptedResponse response, string reason, JsonObject? first, CancellationToken ct)
    {
        if (response.Ended || response.Stop.IsCancellationRequested)
        {
            return false;
        }
        await _send.WaitAsync(ct);
        try
        {
            response.StopReason = reason;
            await response.Stop.CancelAsync();
            if (first is not null)
            {
                // Not cancellable: the stop token may be the very one just cancelled.
                await SendLockedAsync(first, CancellationToken.None);
            }
        }
        finally
        {
            _send.Release();
        }
        return true;
    }

    private Task ErrorAsync(string code, string message, string? eventId, CancellationToken ct) => SendAsync(Event("error", ("error", new JsonObject
    {
        ["type"] = "invalid_request_error", ["code"] = code, ["message"] = message, ["param"] = null, ["event_id"] = eventId,
    })), ct);

    private async Task SendAsync(JsonObject serverEvent, CancellationToken ct)
    {
        await _send.WaitAsync(ct);
        try
        {
            await SendLockedAsync(serverEvent, ct);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task SendQuietlyAsync(JsonObject serverEvent)
    {
        try
        {
            await SendAsync(serverEvent, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            // The client is gone: nobody is left to tell.
        }
    }

    private Task SendLockedAsync(JsonObject serverEvent, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(serverEvent.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, ct);

    private static JsonObject Event(string type, params (string Name, JsonNode? Value)[] fields)
    {
        var e = new JsonObject { ["type"] = type, ["event_id"] = Id("evt") };
        foreach (var (name, value) in fields)
        {
            e[name] = value?.DeepClone();
        }
        return e;
    }

    /// <summary>A <c>realtime.response</c>: a cancelled one says why, a failed one carries the error, as the service does.</summary>
    private static JsonObject Response(ScriptedResponse response, string status, string? reason, JsonObject? output) => new()
    {
        ["id"] = response.Id, ["object"] = "realtime.response", ["status"] = status,
        ["status_details"] = (status, reason) switch
        {
            ("failed", _) => new JsonObject { ["type"] = status, ["error"] = ServerError() },
            (_, null) => null,
            _ => new JsonObject { ["type"] = status, ["reason"] = reason },
        },
        ["output"] = output is null ? new JsonArray() : new JsonArray(output),
    };

    private static JsonObject ServerError() => new() { ["type"] = "server_error", ["code"] = null, ["message"] = "The scripted server failed this response" };

    private static JsonObject AssistantItem(ScriptedResponse response, string status, bool audio = false, string? text = null) => new()
    {
        ["id"] = response.ItemId, ["object"] = "realtime.item", ["type"] = "message", ["role"] = "assistant", ["status"] = status,
        ["content"] = text is null ? new JsonArray() : new JsonArray(Part(audio, text)),
    };

    private static JsonObject Part(bool audio, string text) =>
        audio ? new JsonObject { ["type"] = "audio", ["transcript"] = text } : new JsonObject { ["type"] = "text", ["text"] = text };

    private static string Id(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 17)];

    private static byte[] Tone()
    {
        var pcm = new byte[200 * BytesPerMs];
        for (var i = 0; i < 150 * BytesPerMs / 2; i++)
        {
            var sample = (short)(3000 * Math.Sin(2 * Math.PI * 440 * i / 24_000.0));
            pcm[2 * i] = (byte)sample;
            pcm[(2 * i) + 1] = (byte)(sample >> 8);
        }
        return pcm;
    }
}
