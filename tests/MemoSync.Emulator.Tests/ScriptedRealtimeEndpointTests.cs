using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using MemoSync.Emulator.Chat;
using MemoSync.Emulator.Realtime;
using MemoSync.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace MemoSync.Emulator.Tests;

/// <summary>
/// The scripted realtime endpoint spoken to with a bare WebSocket: the protocol as any realtime client sees it. The
/// emulator's clock stands still, so a response with a chunk delay waits after its first word until a test moves on.
/// </summary>
public sealed class ScriptedRealtimeEndpointTests : IAsyncLifetime
{
    private const string UserSaysHi = """{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}}""";
    private const string ResponseCreate = """{"type":"response.create"}""";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private RunningEmulator _server = null!;
    private ClientWebSocket _socket = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningEmulator.StartAsync(o => o.TimeProvider = _time);
        _socket = new ClientWebSocket();
        // Any key is accepted, as a client of the real service sends one.
        _socket.Options.SetRequestHeader("Authorization", "Bearer sk-any-key");
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

    /// <summary>After <c>session.created</c> (and a text-only session if asked): the person says hi and asks for the answer.</summary>
    private async Task AskAsync(bool textOnly)
    {
        await ReceiveAsync();
        if (textOnly)
        {
            await SendAsync("""{"type":"session.update","session":{"modalities":["text"]}}""");
        }
        await SendAsync(UserSaysHi);
        await SendAsync(ResponseCreate);
    }

    /// <summary>The one response logged ended so, having sent <paramref name="sent"/>.</summary>
    private async Task AssertLoggedAsync(string outcome, string sent)
    {
        var logged = Assert.Single(await ResponsesAsync(1));
        Assert.Equal((outcome, sent), (logged.Outcome, logged.Sent));
    }

    private static string Append(int bytes) => $$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(new byte[bytes])}}"}""";

    private static List<string?> Types(IEnumerable<JsonObject> events) => [.. events.Select(e => (string?)e["type"])];

    /// <summary>The responses logged, once there are <paramref name="count"/>: a response is logged as it ends, maybe after its last event left.</summary>
    private async Task<IReadOnlyList<ReceivedRealtimeResponse>> ResponsesAsync(int count)
    {
        while (_server.Emulator.GetRealtimeResponses().Count < count)
        {
            await Task.Delay(20, _timeout.Token);
        }
        return _server.Emulator.GetRealtimeResponses();
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
        Assert.Equal("Hello there Alice", (string?)events[^1]["response"]!["output"]![0]!["content"]![0]!["text"]);
        Assert.All(events, e => Assert.StartsWith("evt_", (string?)e["event_id"], StringComparison.Ordinal));
        var itemId = (string?)events.Single(e => (string?)e["type"] == "response.output_item.added")["item"]!["id"];
        Assert.All(events.Where(e => (string?)e["type"] == "response.text.delta"), e => Assert.Equal(itemId, (string?)e["item_id"]));
        var logged = Assert.Single(_server.Emulator.GetRealtimeResponses());
        Assert.Equal(("Be brief.", "hi", ChatOutcome.Answered, "Hello there Alice"), (logged.Instructions, logged.UserInput, logged.Outcome, logged.Sent));
    }

    [Fact]
    public async Task The_responses_are_listed_and_reset_on_the_admin_paths()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Hello"] };
        await AskAsync(textOnly: false);
        await ReceiveUntilAsync("response.done");
        await ResponsesAsync(1);

        using var list = await _server.Http.SendAsync(_server.Request(HttpMethod.Get, "../../_emulator/realtime/responses"), _timeout.Token);
        var listed = JsonNode.Parse(await list.Content.ReadAsStringAsync(_timeout.Token))!.AsArray();
        using var reset = await _server.Http.SendAsync(_server.Request(HttpMethod.Post, "../../_emulator/realtime/responses/reset"), _timeout.Token);

        var response = Assert.Single(listed)!;
        Assert.Equal(("voice-test", "hi", "answered", "Hello"), ((string?)response["model"], (string?)response["user_input"], (string?)response["outcome"],
            (string?)response["sent"]));
        Assert.Equal(["text", "audio"], response["modalities"]!.AsArray().Select(m => (string?)m));
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Empty(_server.Emulator.GetRealtimeResponses());
    }

    [Fact]
    public async Task With_voice_detection_audio_is_speech_a_commit_ends_it_and_the_answer_follows_in_words_of_audio()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Sure thing"] };
        await ReceiveAsync();
        await SendAsync(Append(24_000));
        await SendAsync("""{"type":"input_audio_buffer.commit"}""");

        var events = await ReceiveUntilAsync("response.done");

        Assert.Equal(["input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped", "input_audio_buffer.committed", "conversation.item.created",
            "conversation.item.input_audio_transcription.completed", "response.created", "response.output_item.added", "response.content_part.added",
            "response.audio_transcript.delta", "response.audio.delta", "response.audio_transcript.delta", "response.audio.delta",
            "response.audio.done", "response.audio_transcript.done", "response.content_part.done", "response.output_item.done", "response.done"], Types(events));
        Assert.Equal(500, (int?)events[1]["audio_end_ms"]);
        var userItem = (string?)events[0]["item_id"];
        Assert.StartsWith("item_", userItem, StringComparison.Ordinal);
        Assert.All(new[] { events[1]["item_id"], events[2]["item_id"], events[3]["item"]!["id"], events[4]["item_id"] }, id => Assert.Equal(userItem, (string?)id));
        Assert.Equal("(0.5 s of audio)", (string?)events[4]["transcript"]);
        // Each word: a 150 ms tone and 50 ms of silence, PCM16 at 24 kHz.
        Assert.All(events.Where(e => (string?)e["type"] == "response.audio.delta"), e => Assert.Equal(200 * 48, Convert.FromBase64String((string)e["delta"]!).Length));
        Assert.Equal("Sure thing", (string?)events.Single(e => (string?)e["type"] == "response.audio_transcript.done")["transcript"]);
        Assert.Equal("Sure thing", (string?)events[^1]["response"]!["output"]![0]!["content"]![0]!["transcript"]);
        var logged = Assert.Single(await ResponsesAsync(1));
        Assert.Equal(("(0.5 s of audio)", ChatOutcome.Answered), (logged.UserInput, logged.Outcome));
        Assert.Equal(["text", "audio"], logged.Modalities);
    }

    [Fact]
    public async Task Without_voice_detection_a_commit_only_commits_with_the_scripted_transcript_and_the_client_asks_for_the_answer()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Transcripts = ["what time is it"] };
        await ReceiveAsync();
        await SendAsync("""{"type":"session.update","session":{"modalities":["text"],"turn_detection":null}}""");
        await SendAsync(Append(4800));
        await SendAsync("""{"type":"input_audio_buffer.commit"}""");
        await SendAsync(ResponseCreate);

        var events = await ReceiveUntilAsync("response.done");

        Assert.Equal(["session.updated", "input_audio_buffer.committed", "conversation.item.created", "conversation.item.input_audio_transcription.completed",
            "response.created"], Types(events.Take(5)));
        Assert.Null(events[0]["session"]!["turn_detection"]);
        Assert.Equal("what time is it", (string?)events[3]["transcript"]);
        Assert.Equal("You said: what time is it", (string?)events.Single(e => (string?)e["type"] == "response.text.done")["text"]);
    }

    [Fact]
    public async Task A_streaming_response_refuses_a_second_one_and_stops_when_the_client_cancels_it()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["one two three four"], ChunkDelayMs = 1000 };
        await AskAsync(textOnly: true);
        await ReceiveUntilAsync("response.text.delta");

        await SendAsync("""{"type":"response.create","event_id":"evt_again"}""");
        var refused = await ReceiveAsync();
        await SendAsync("""{"type":"response.cancel"}""");
        var ended = await ReceiveUntilAsync("response.done");
        await SendAsync("""{"type":"response.cancel"}""");
        var nothingToCancel = await ReceiveAsync();

        Assert.Equal(("conversation_already_has_active_response", "evt_again"), ((string?)refused["error"]!["code"], (string?)refused["error"]!["event_id"]));
        Assert.Equal(["response.done"], Types(ended));
        Assert.Equal(("cancelled", "cancelled", "client_cancelled"), ((string?)ended[0]["response"]!["status"],
            (string?)ended[0]["response"]!["status_details"]!["type"], (string?)ended[0]["response"]!["status_details"]!["reason"]));
        Assert.Equal("response_cancel_not_active", (string?)nothingToCancel["error"]!["code"]);
        await AssertLoggedAsync(ChatOutcome.Cancelled, "one");
    }

    [Fact]
    public async Task Audio_appended_while_an_answer_plays_is_the_person_speaking_over_it_and_their_words_start_the_next_answer()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["one two three four", "fine"], ChunkDelayMs = 1000, Transcripts = ["stop please"] };
        await AskAsync(textOnly: false);
        await ReceiveUntilAsync("response.audio.delta");

        await SendAsync(Append(12_000));
        var bargeIn = await ReceiveUntilAsync("response.done");
        await SendAsync("""{"type":"input_audio_buffer.commit"}""");
        var next = await ReceiveUntilAsync("response.done");

        Assert.Equal(["input_audio_buffer.speech_started", "response.done"], Types(bargeIn));
        Assert.Equal(("cancelled", "turn_detected"), ((string?)bargeIn[1]["response"]!["status"], (string?)bargeIn[1]["response"]!["status_details"]!["reason"]));
        Assert.Equal("stop please", (string?)next.Single(e => (string?)e["type"] == "conversation.item.input_audio_transcription.completed")["transcript"]);
        Assert.Equal("completed", (string?)next[^1]["response"]!["status"]);
        var logged = await ResponsesAsync(2);
        Assert.Equal([(ChatOutcome.Interrupted, "hi", "one"), (ChatOutcome.Answered, "stop please", "fine")],
            logged.Select(r => (r.Outcome, r.UserInput, r.Sent)));
    }

    [Fact]
    public async Task A_scripted_interruption_is_the_person_speaking_after_half_of_the_words()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["one two three four"], InterruptRate = 1 };
        await AskAsync(textOnly: true);

        var events = await ReceiveUntilAsync("response.done");

        Assert.Equal(["session.updated", "conversation.item.created", "response.created", "response.output_item.added", "response.content_part.added",
            "response.text.delta", "response.text.delta", "input_audio_buffer.speech_started", "response.done"], Types(events));
        var response = events[^1]["response"]!;
        Assert.Equal(("cancelled", "turn_detected"), ((string?)response["status"], (string?)response["status_details"]!["reason"]));
        Assert.Equal(("incomplete", "one two "), ((string?)response["output"]![0]!["status"], (string?)response["output"]![0]!["content"]![0]!["text"]));
        await AssertLoggedAsync(ChatOutcome.Interrupted, "one two");
    }

    [Fact]
    public async Task A_dropped_response_ends_the_socket_without_a_close_after_half_of_the_words()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["one two three four"], DropRate = 1 };
        await AskAsync(textOnly: true);

        var events = new List<JsonObject>();
        var cut = await Assert.ThrowsAsync<WebSocketException>(async () =>
        {
            while (true)
            {
                events.Add(await ReceiveAsync());
            }
        });

        Assert.Equal(WebSocketError.ConnectionClosedPrematurely, cut.WebSocketErrorCode);
        Assert.Equal(["session.updated", "conversation.item.created", "response.created", "response.output_item.added", "response.content_part.added",
            "response.text.delta", "response.text.delta"], Types(events));
        await AssertLoggedAsync(ChatOutcome.Dropped, "one two");
    }

    [Fact]
    public async Task A_failed_response_is_an_error_event_before_any_word_and_a_failed_response_done()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["one two"], ErrorRate = 1 };
        await AskAsync(textOnly: false);

        var events = await ReceiveUntilAsync("response.done");

        Assert.Equal(["conversation.item.created", "response.created", "error", "response.done"], Types(events));
        var error = events[2]["error"]!;
        Assert.Equal(("server_error", null, "The scripted server failed this response"), ((string?)error["type"], (string?)error["code"], (string?)error["message"]));
        Assert.Equal("failed", (string?)events[3]["response"]!["status"]);
        Assert.Empty(events[3]["response"]!["output"]!.AsArray());
        await AssertLoggedAsync(ChatOutcome.Failed, "");
        Assert.Equal(WebSocketState.Open, _socket.State);
    }

    [Fact]
    public async Task An_assistant_item_is_truncated_where_the_person_stopped_listening_and_a_user_item_is_not()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["one two"] };
        await AskAsync(textOnly: false);
        var turn = await ReceiveUntilAsync("response.done");
        var userItem = (string?)turn[0]["item"]!["id"];
        var assistantItem = (string?)turn.Single(e => (string?)e["type"] == "response.output_item.added")["item"]!["id"];

        await SendAsync($$"""{"type":"conversation.item.truncate","item_id":"{{assistantItem}}","content_index":0,"audio_end_ms":250}""");
        var truncated = await ReceiveAsync();
        await SendAsync($$"""{"type":"conversation.item.truncate","item_id":"{{userItem}}","content_index":0,"audio_end_ms":250}""");
        var refused = await ReceiveAsync();

        Assert.Equal(("conversation.item.truncated", assistantItem, 0, 250), ((string?)truncated["type"], (string?)truncated["item_id"],
            (int?)truncated["content_index"], (int?)truncated["audio_end_ms"]));
        Assert.Equal("item_truncate_invalid_item_id", (string?)refused["error"]!["code"]);
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
        await SendAsync("""{"type":"session.update","session":{"instructions":"x","model":"other"}}""");

        var errors = new List<JsonObject>();
        for (var i = 0; i < 7; i++)
        {
            errors.Add((JsonObject)(await ReceiveAsync())["error"]!);
        }

        Assert.Equal(["invalid_json", "unknown_event", "input_audio_buffer_commit_empty", "invalid_value", "response_cancel_not_active", "item_truncate_invalid_item_id",
            "unknown_parameter"],
            errors.Select(e => (string?)e["code"]));
        Assert.Contains("'response.dance'", (string?)errors[1]["message"], StringComparison.Ordinal);
        Assert.Equal("evt_mine", (string?)errors[2]["event_id"]);
        Assert.Contains("'session.model'", (string?)errors[6]["message"], StringComparison.Ordinal);
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
