using System.ClientModel;
using System.Diagnostics;
using System.Text;
using MemoSync.Chat;
using MemoSync.Emulator;
using MemoSync.Emulator.Chat;
using MemoSync.Hosting;
using MemoSync.Journal;
using MemoSync.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenAI;

namespace MemoSync.Tests.Chat;

/// <summary>
/// An OpenAI chat client with <c>UseMemoSync()</c> in an application wired by <c>AddMemoSync</c>, against the emulator's
/// scripted chat completions endpoint and its Memobase over loopback.
/// </summary>
public sealed class MemoSyncChatClientTests : IAsyncLifetime
{
    private const string User = "alice";
    private const string Memory = "interest::sports: plays tennis on Sundays";
    private const string Eight = "one two three four five six seven eight";
    private static readonly ChatOptions Alice = new ChatOptions().WithMemoSyncUser(User, "s1");
    private readonly TempDirectory _dir = new();
    private RunningEmulator _server = null!;
    private IHost? _host;

    public async Task InitializeAsync()
    {
        _server = await RunningEmulator.StartAsync();
        await _server.RememberAsync(User, "plays tennis on Sundays", "interest", "sports");
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>Starts the application; its <see cref="IChatClient"/> is the emulator's chat endpoint with the middleware.</summary>
    private async Task<IChatClient> StartAsync(Action<MemoSyncChatClientOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MEMOBASE_URL"] = _server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"),
        });
        builder.Services.AddMemoSync(builder.Configuration);
        builder.Services.AddChatClient(new OpenAIClient(new ApiKeyCredential("sk-test"), new OpenAIClientOptions { Endpoint = new Uri(_server.Emulator.BaseAddress, "v1") })
            .GetChatClient("scripted").AsIChatClient()).UseMemoSync(configure);
        _host = builder.Build();
        await _host.StartAsync();
        return _host.Services.GetRequiredService<IChatClient>();
    }

    private Task<IReadOnlyList<JournalEntry>> TurnsAsync() => _host!.Services.GetRequiredService<IDialogueJournal>().ListAsync(null, 100);

    private async Task<JournalEntry> SingleSyncedTurnAsync(TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (await TurnsAsync() is not [{ State: TurnState.Synced }])
        {
            await Task.Delay(20, deadline.Token);
        }
        Assert.Equal((1L, 0L), (_server.Emulator.GetStats().BlobsReceived, _server.Emulator.GetStats().Duplicates));
        return Assert.Single(await TurnsAsync());
    }

    private static List<string> Said(JournalEntry entry) => entry.Turn.Messages.Select(m => m.Content).ToList();

    [Fact]
    public async Task The_users_memory_follows_the_instructions_the_LLM_receives_and_the_exchange_is_recorded_and_delivered_without_it()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Bonjour Alice!"] };
        var chat = await StartAsync();

        var response = await chat.GetResponseAsync([new(ChatRole.System, "Be brief."), new(ChatRole.User, "hello")], Alice);

        Assert.Equal("Bonjour Alice!", response.Text);
        var received = Assert.Single(_server.Emulator.GetChatRequests());
        Assert.Equal(["system", "user"], received.Messages.Select(m => m.Role));
        Assert.StartsWith("Be brief.\n\n", received.SystemPrompt, StringComparison.Ordinal);
        Assert.Contains(Memory, received.SystemPrompt, StringComparison.Ordinal);
        var turn = await SingleSyncedTurnAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["hello", "Bonjour Alice!"], Said(turn));
        Assert.Equal((User, "s1", (TurnInterruption?)null), (turn.Turn.UserId, turn.Turn.SessionId, turn.Turn.Interruption));
    }

    [Fact]
    public async Task A_streamed_answer_is_recorded_once_it_is_complete_before_the_caller_sees_its_end_and_memory_comes_in_a_system_message_of_its_own()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = [Eight], ChunkDelayMs = 20 };
        var chat = await StartAsync();
        var seen = new StringBuilder();
        var journaledWhileStreaming = new List<int>();

        await foreach (var update in chat.GetStreamingResponseAsync([new(ChatRole.User, "count to eight")], Alice))
        {
            seen.Append(update.Text);
            journaledWhileStreaming.Add((await TurnsAsync()).Count);
        }
        var journaledAtTheEnd = (await TurnsAsync()).Count;

        Assert.Equal(Eight, seen.ToString());
        Assert.All(journaledWhileStreaming, count => Assert.Equal(0, count));
        Assert.Equal(1, journaledAtTheEnd);
        var received = Assert.Single(_server.Emulator.GetChatRequests());
        Assert.True(received.Stream);
        Assert.Equal(["system", "user"], received.Messages.Select(m => m.Role));
        Assert.Contains(Memory, received.SystemPrompt, StringComparison.Ordinal);
        var turn = await SingleSyncedTurnAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["count to eight", Eight], Said(turn));
        Assert.Null(turn.Turn.Interruption);
    }

    [Fact]
    public async Task A_stream_cut_by_the_LLM_service_is_recorded_as_far_as_it_arrived_as_dropped_and_the_caller_gets_the_error()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = [Eight], InterruptRate = 1 };
        var chat = await StartAsync();
        var seen = new StringBuilder();

        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync([new(ChatRole.User, "count to eight")], Alice))
            {
                seen.Append(update.Text);
            }
        });

        Assert.Equal("one two three four ", seen.ToString());
        var turn = await SingleSyncedTurnAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["count to eight", "one two three four "], Said(turn));
        Assert.Equal(TurnInterruption.Dropped, turn.Turn.Interruption);
    }

    [Fact]
    public async Task A_stream_the_caller_stops_reading_is_recorded_as_far_as_it_was_read_as_cancelled()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = [Eight], ChunkDelayMs = 20 };
        var chat = await StartAsync();
        var seen = new StringBuilder();

        await foreach (var update in chat.GetStreamingResponseAsync([new(ChatRole.User, "count to eight")], Alice))
        {
            seen.Append(update.Text);
            if (seen.ToString().EndsWith("two ", StringComparison.Ordinal))
            {
                break;
            }
        }

        var turn = await SingleSyncedTurnAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["count to eight", "one two "], Said(turn));
        Assert.Equal(TurnInterruption.Cancelled, turn.Turn.Interruption);
    }

    [Fact]
    public async Task An_answer_the_LLM_service_fails_leaves_the_users_message_recorded_alone_as_failed()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { ErrorRate = 1 };
        var chat = await StartAsync();

        await Assert.ThrowsAsync<ClientResultException>(() => chat.GetResponseAsync([new(ChatRole.User, "hello")], Alice));

        var turn = await SingleSyncedTurnAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["hello"], Said(turn));
        Assert.Equal(TurnInterruption.Failed, turn.Turn.Interruption);
    }

    [Fact]
    public async Task A_Memobase_that_does_not_answer_delays_the_answer_by_the_memory_timeout_at_most_and_the_turn_is_delivered_once_it_answers()
    {
        var chat = await StartAsync(o => o.MemoryTimeout = TimeSpan.FromMilliseconds(200));
        // Every Memobase request now takes 15 s: memory, and delivery.
        _server.Emulator.Faults = new FaultSettings { LatencyMinMs = 15_000, LatencyMaxMs = 15_000 };

        var watch = Stopwatch.StartNew();
        var response = await chat.GetResponseAsync([new(ChatRole.User, "hello")], Alice);
        watch.Stop();

        Assert.Equal("You said: hello", response.Text);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the answer took {watch.Elapsed}, as long as Memobase's");
        Assert.Null(Assert.Single(_server.Emulator.GetChatRequests()).SystemPrompt);
        Assert.Equal(TurnState.Pending, Assert.Single(await TurnsAsync()).State);

        _server.Emulator.Faults = new FaultSettings();
        var turn = await SingleSyncedTurnAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(["hello", "You said: hello"], Said(turn));
    }

    [Fact]
    public async Task A_call_without_a_user_goes_to_the_LLM_as_it_is_and_is_not_recorded()
    {
        var chat = await StartAsync();

        var response = await chat.GetResponseAsync([new(ChatRole.System, "Be brief."), new(ChatRole.User, "hello")]);

        Assert.Equal("You said: hello", response.Text);
        Assert.Equal("Be brief.", Assert.Single(_server.Emulator.GetChatRequests()).SystemPrompt);
        Assert.Empty(await TurnsAsync());
    }

    [Fact]
    public async Task A_user_id_accessor_names_the_user_of_every_call_and_memory_can_be_left_out()
    {
        var chat = await StartAsync(o =>
        {
            o.UserId = _ => User;
            o.InjectMemory = false;
        });

        await chat.GetResponseAsync([new(ChatRole.User, "hello")]);

        Assert.Null(Assert.Single(_server.Emulator.GetChatRequests()).SystemPrompt);
        var turn = await SingleSyncedTurnAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((User, (string?)null), (turn.Turn.UserId, turn.Turn.SessionId));
        Assert.Equal(["hello", "You said: hello"], Said(turn));
    }

    [Fact]
    public void The_user_and_session_keys_are_taken_out_of_the_options_sent_on_and_the_callers_options_are_left_as_they_were()
    {
        var options = new ChatOptions { Temperature = 0.5f, AdditionalProperties = new() { ["seed_note"] = "kept" } }.WithMemoSyncUser(User, "s1");

        var sent = MemoSyncChatOptions.WithoutMemoSyncKeys(options)!;

        Assert.Equal(["seed_note"], sent.AdditionalProperties!.Keys);
        Assert.Equal(0.5f, sent.Temperature);
        Assert.Equal((User, "s1"), (MemoSyncChatOptions.ReadUserId(options), MemoSyncChatOptions.ReadSessionId(options)));
        Assert.Same(sent, MemoSyncChatOptions.WithoutMemoSyncKeys(sent));
    }

    [Fact]
    public void Options_that_cannot_work_are_refused_naming_them()
    {
        var builder = new ChatClientBuilder(_ => throw new InvalidOperationException("not built"));

        var e = Assert.Throws<ArgumentException>(() => builder.UseMemoSync(o => o.MemoryTimeout = TimeSpan.FromMilliseconds(1)));

        Assert.StartsWith("UseMemoSync: MemoryTimeout and MaxMemoryTokens set the memory's Timeout and MaxTokenSize: Timeout must be at least 10 ms",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_AddMemoSync_building_the_client_says_what_is_missing()
    {
        var builder = new ChatClientBuilder(new OpenAIClient(new ApiKeyCredential("sk-test")).GetChatClient("m").AsIChatClient()).UseMemoSync();

        var e = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.StartsWith("UseMemoSync found no MemoSync services: call services.AddMemoSync(...)", e.Message, StringComparison.Ordinal);
    }
}
