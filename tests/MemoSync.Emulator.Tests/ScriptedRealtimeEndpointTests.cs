using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using MemoSync.Emulator.Chat;
using MemoSync.TestSupport;

namespace MemoSync.Emulator.Tests;

/// <summary>The scripted realtime endpoint spoken to with a bare WebSocket: the protocol as any realtime client sees it.</summary>
public sealed class ScriptedRealtimeEndpointTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private RunningEmulator _server = null!;
    private ClientWebSocket _socket = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningEmulator.StartAsync();
        _socket = new ClientWebSocket();
        await _socket.ConnectAsync(new Uri($"ws://{_server.Emulator.BaseAddress.Authority}/v1/realtime?model=voice-test"), _timeout.Token);
    }

    public async Task DisposeAsync()
    {
        _socket.Dispose();
        await _server.DisposeAsync();
        _timeout.Dispose();
    }

    private Task SendAsync(string json) => _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, _timeout.Token);

    private async Task<JsonObject> ReceiveAsync()
    {
        var buffer = new byte[256 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(buffer.AsMemory(length), _timeout.Token);
            length += received.Count;
        }
        while (!received.EndOfMessage);
        return JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject();
    }

    /// <summary>The types of the events received until one of type <paramref name="last"/>, that one included.</summary>
    private async Task<List<JsonObject>> ReceiveUntilAsync(string last)
    {
        var events = new List<JsonObject>();
        do
        {
            events.Add(await ReceiveAsync());
        }
        while ((string?)events[^1]["type"] != last);
        return events;
    }

    [Fact]
    public async Task A_text_turn_streams_the_answer_in_the_protocols_order_and_is_logged_with_the_sessions_instructions()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Hello there Alice"] };
        var created = await ReceiveAsync();
        await SendAsync("""{"type":"session.update","session":{"modalities":["text"],"instructions":"Be brief."}}""");
        await SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}}""");
        await SendAsync("""{"type":"response.create"}""");

        var events = await ReceiveUntilAsync("response.done");

        Assert.Equal(("session.created", "voice-test"), ((string?)created["type"], (string?)created["session"]!["model"]));
        Assert.Equal(["session.updated", "conversation.item.created", "response.created", "response.output_item.added", "response.content_part.added",
            "response.text.delta", "response.text.delta", "response.text.delta", "response.text.done", "response.content_part.done",
            "response.output_item.done", "response.done"], events.Select(e => (string?)e["type"]));
        Assert.Equal("Hello there Alice", (string?)events.Single(e => (string?)e["type"] == "response.text.done")["text"]);
        Assert.Equal("completed", (string?)events[^1]["response"]!["status"]);
        var logged = Assert.Single(_server.Emulator.GetRealtimeResponses());
        Assert.Equal(("Be brief.", "hi", ChatOutcome.Answered, "Hello there Alice"), (logged.Instructions, logged.UserInput, logged.Outcome, logged.Sent));
    }

    [Fact]
    public async Task With_voice_detection_audio_is_speech_a_commit_ends_it_and_the_answer_follows_by_itself()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Sure"] };
        await ReceiveAsync();
        await SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(new byte[24_000])}}"}""");
        await SendAsync("""{"type":"input_audio_buffer.commit"}""");

        var events = await ReceiveUntilAsync("response.done");

        Assert.Equal(["input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped", "input_audio_buffer.committed", "conversation.item.created",
            "conversation.item.input_audio_transcription.completed", "response.created"], events.Take(6).Select(e => (string?)e["type"]));
        Assert.Equal("(0.5 s of audio)", (string?)events[4]["transcript"]);
        Assert.Equal(9600, Convert.FromBase64String((string)events.Single(e => (string?)e["type"] == "response.audio.delta")["delta"]!).Length);
    }

    [Fact]
    public async Task Bad_client_events_get_error_events_naming_what_was_wrong_and_the_session_goes_on()
    {
        await ReceiveAsync();
        await SendAsync("{not json");
        await SendAsync("""{"type":"response.dance"}""");
        await SendAsync("""{"type":"input_audio_buffer.commit","event_id":"evt_mine"}""");
        await SendAsync("""{"type":"input_audio_buffer.append","audio":"***"}""");
        await SendAsync("""{"type":"response.cancel"}""");
        await SendAsync("""{"type":"conversation.item.truncate","item_id":"item_nope","content_index":0,"audio_end_ms":10}""");

        var errors = new List<JsonObject>();
        for (var i = 0; i < 6; i++)
        {
            errors.Add((JsonObject)(await ReceiveAsync())["error"]!);
        }

        Assert.Equal(["invalid_json", "unknown_event", "input_audio_buffer_commit_empty", "invalid_value", "response_cancel_not_active", "item_truncate_invalid_item_id"],
            errors.Select(e => (string?)e["code"]));
        Assert.Contains("'response.dance'", (string?)errors[1]["message"], StringComparison.Ordinal);
        Assert.Equal("evt_mine", (string?)errors[2]["event_id"]);
        Assert.Equal(WebSocketState.Open, _socket.State);
    }

    [Fact]
    public async Task A_plain_HTTP_request_is_told_to_upgrade_and_the_chat_endpoint_fails_with_500_when_scripted_to()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { ErrorRate = 1 };
        var plain = await _server.Http.GetAsync(new Uri(_server.Emulator.BaseAddress, "v1/realtime"));
        var chat = await _server.Http.PostAsync(new Uri(_server.Emulator.BaseAddress, "v1/chat/completions"),
            new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UpgradeRequired, plain.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, chat.StatusCode);
        Assert.Equal("server_error", (string?)JsonNode.Parse(await chat.Content.ReadAsStringAsync())!["error"]!["type"]);
        Assert.Equal("drop_rate, interrupt_rate and error_rate must add up to at most 1",
            new ScriptedChatSettings { DropRate = 0.5, InterruptRate = 0.3, ErrorRate = 0.3 }.Validate());
    }
}
