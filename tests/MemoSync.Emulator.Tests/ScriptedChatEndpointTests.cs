using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Net;
using System.Text;
using MemoSync.Emulator.Chat;
using MemoSync.TestSupport;
using Microsoft.Extensions.AI;
using OpenAI;

namespace MemoSync.Emulator.Tests;

/// <summary>The scripted chat endpoint, driven by Microsoft.Extensions.AI's OpenAI client over real HTTP.</summary>
public sealed class ScriptedChatEndpointTests : IAsyncLifetime
{
    private RunningEmulator _server = null!;
    private IChatClient _chat = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningEmulator.StartAsync();
        // No client retries: a cut connection must show as it happened.
        var options = new OpenAIClientOptions { Endpoint = new Uri(_server.Emulator.BaseAddress, "v1"), RetryPolicy = new ClientRetryPolicy(0) };
        _chat = new OpenAIClient(new ApiKeyCredential("any-key"), options).GetChatClient("scripted-model").AsIChatClient();
    }

    public async Task DisposeAsync()
    {
        _chat.Dispose();
        await _server.DisposeAsync();
    }

    private static ChatMessage[] Conversation(string said) =>
        [new(ChatRole.System, "Be brief."), new(ChatRole.System, "# Memory\n- plays tennis"), new(ChatRole.User, said)];

    [Fact]
    public async Task A_streamed_answer_arrives_in_pieces_and_the_system_prompt_that_reached_it_is_recorded()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Bonjour Alice, how was tennis on Sunday?"] };

        var pieces = new List<string>();
        await foreach (var update in _chat.GetStreamingResponseAsync(Conversation("hello")))
        {
            pieces.Add(update.Text);
        }

        Assert.True(pieces.Count(p => p.Length > 0) > 3, $"{pieces.Count} pieces");
        Assert.Equal("Bonjour Alice, how was tennis on Sunday?", string.Concat(pieces));
        var received = Assert.Single(_server.Emulator.GetChatRequests());
        Assert.Equal(("scripted-model", true, ChatOutcome.Answered), (received.Model, received.Stream, received.Outcome));
        Assert.Equal("Be brief.\n\n# Memory\n- plays tennis", received.SystemPrompt);
        Assert.Equal(new ReceivedChatMessage("user", "hello"), received.Messages[^1]);
    }

    [Fact]
    public async Task Scripted_answers_come_in_order_then_again_from_the_first_and_without_a_script_the_user_is_echoed()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["one", "two"] };
        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await _chat.GetResponseAsync(Conversation($"q{i}"))).Text);
        }
        Assert.Equal(["one", "two", "one"], answers);

        _server.Emulator.ChatSettings = new ScriptedChatSettings();
        Assert.Equal("You said: 我喜欢打网球", (await _chat.GetResponseAsync(Conversation("我喜欢打网球"))).Text);
    }

    [Fact]
    public async Task An_interrupted_stream_gives_the_first_half_of_the_answer_then_fails()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["one two three four five six seven eight"], InterruptRate = 1 };

        var text = new StringBuilder();
        var failure = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in _chat.GetStreamingResponseAsync(Conversation("count")))
            {
                text.Append(update.Text);
            }
        });

        Assert.NotNull(failure);
        Assert.Equal("one two three four ", text.ToString());
        Assert.Equal(ChatOutcome.Interrupted, Assert.Single(_server.Emulator.GetChatRequests()).Outcome);
    }

    [Fact]
    public async Task A_dropped_request_fails_before_any_answer()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { DropRate = 1 };

        var updates = 0;
        var failure = await Record.ExceptionAsync(async () =>
        {
            await foreach (var _ in _chat.GetStreamingResponseAsync(Conversation("hello")))
            {
                updates++;
            }
        });

        Assert.NotNull(failure);
        Assert.Equal(0, updates);
        Assert.Equal(ChatOutcome.Dropped, Assert.Single(_server.Emulator.GetChatRequests()).Outcome);
    }

    [Fact]
    public async Task Latency_delays_the_first_piece_and_the_chunk_delay_spaces_the_rest()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["a b c"], LatencyMs = 300, ChunkDelayMs = 100 };

        var watch = Stopwatch.StartNew();
        long? first = null;
        await foreach (var update in _chat.GetStreamingResponseAsync(Conversation("hello")))
        {
            if (update.Text.Length > 0)
            {
                first ??= watch.ElapsedMilliseconds;
            }
        }

        Assert.InRange(first!.Value, 300 - TimerSlack.EarlyMs, 2000);
        Assert.InRange(watch.ElapsedMilliseconds - first.Value, 150, 2000);
    }

    [Fact]
    public async Task A_request_without_messages_is_refused_naming_the_parameter()
    {
        using var response = await _server.Http.PostAsync(new Uri(_server.Emulator.BaseAddress, "v1/chat/completions"),
            new StringContent("""{"model": "m", "messages": []}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"param\":\"messages\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_settings_and_received_requests_are_read_and_changed_on_the_admin_path()
    {
        using var put = await _server.Http.SendAsync(Admin(HttpMethod.Put, "_emulator/chat", """{"answers": ["scripted"], "latency_ms": 5}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("scripted", (await _chat.GetResponseAsync(Conversation("hi"))).Text);
        using var requests = await _server.Http.SendAsync(Admin(HttpMethod.Get, "_emulator/chat/requests"));
        Assert.Contains("\"system_prompt\":\"Be brief.", await requests.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var bad = await _server.Http.SendAsync(Admin(HttpMethod.Put, "_emulator/chat", """{"drop_rate": 2}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("drop_rate must be between 0 and 1", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private HttpRequestMessage Admin(HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, new Uri(_server.Emulator.BaseAddress, path));
        request.Headers.Authorization = new("Bearer", RunningEmulator.Token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        return request;
    }
}
