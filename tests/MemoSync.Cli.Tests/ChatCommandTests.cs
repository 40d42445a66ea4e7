using MemoSync.Emulator.Chat;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary>
/// <c>memosync chat</c> typed into through a pseudo-terminal as a person would, a real child process against the
/// emulator and its scripted chat endpoint over loopback.
/// </summary>
public sealed class ChatCommandTests : IAsyncLifetime
{
    private const string User = "alice";
    private const string Key = "sk-chat-test-key-5d1e";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-chat-").FullName;
    private RunningEmulator _server = null!;

    private string JournalPath => Path.Combine(_dir, "memosync.db");

    public async Task InitializeAsync()
    {
        _server = await RunningEmulator.StartAsync();
        await _server.RememberAsync(User, "plays tennis on Sundays", "interest", "sports");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private TerminalSession StartChat(params string[] extra) => TerminalSession.Start(new Dictionary<string, string>
    {
        ["MEMOBASE_URL"] = _server.Emulator.BaseAddress.ToString(),
        ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
        ["LLM_API_KEY"] = Key,
    }, ["chat", "--user", User, "--llm-url", new Uri(_server.Emulator.BaseAddress, "v1").ToString(), "--llm-model", "scripted", "--journal", JournalPath, .. extra]);

    private async Task<IReadOnlyList<JournalEntry>> JournalTurnsAsync()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = JournalPath });
        return await journal.ListAsync(null, 100);
    }

    [Fact]
    public async Task A_typed_conversation_is_streamed_recorded_and_delivered_and_the_LLM_got_the_users_memory_in_its_system_prompt()
    {
        var alice = MemobaseUserId.FromName(User);
        _server.Emulator.ChatSettings = new ScriptedChatSettings
        {
            Answers = ["Bonjour Alice! How was tennis on Sunday?", "Here is a plan for your week."],
            ChunkDelayMs = 5,
        };
        using var chat = StartChat("--flush");
        await chat.WaitForAsync("you> ", Patience);
        await chat.TypeLineAsync("hello there");
        await chat.WaitForAsync("assistant> Bonjour Alice! How was tennis on Sunday?", Patience);
        await chat.WaitForAsync("you> ", Patience, times: 2);
        await chat.TypeLineAsync("plan my week");
        await chat.WaitForAsync("assistant> Here is a plan for your week.", Patience);
        await chat.TypeLineAsync("/exit");

        Assert.Equal(0, await chat.WaitForExitAsync(Patience));
        Assert.Contains("memory loaded", chat.Screen, StringComparison.Ordinal);
        Assert.Contains("2 turns recorded; the user's buffer was flushed", chat.Screen, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, chat.Screen, StringComparison.Ordinal);

        var turns = await JournalTurnsAsync();
        Assert.Equal([TurnState.Synced, TurnState.Synced], turns.Select(t => t.State));
        Assert.Equal(["hello there", "Bonjour Alice! How was tennis on Sunday?"], turns[0].Turn.Messages.Select(m => m.Content));
        Assert.Equal(["plan my week", "Here is a plan for your week."], turns[1].Turn.Messages.Select(m => m.Content));
        var received = _server.Emulator.GetStats().Users.Single(u => u.UserId == MemobaseUserId.FromName(User).Value);
        Assert.Equal((2, 0), (received.DistinctTurns, received.Duplicates));

        var requests = _server.Emulator.GetChatRequests();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.StartsWith("You are a helpful assistant.", r.SystemPrompt, StringComparison.Ordinal));
        Assert.All(requests, r => Assert.Contains("interest::sports: plays tennis on Sundays", r.SystemPrompt, StringComparison.Ordinal));
        Assert.Equal(["system", "user", "assistant", "user"], requests[1].Messages.Select(m => m.Role));

        // The flush at the end had Memobase process the session into memory (in the background, as the server does).
        using var processed = new CancellationTokenSource(Patience);
        while ((await _server.Client.GetEventsAsync(alice)).Count == 0)
        {
            await Task.Delay(20, processed.Token);
        }
        Assert.Contains("hello there", await _server.Client.GetContextAsync(alice), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_cut_by_the_LLM_service_is_said_to_be_cut_and_recorded_as_far_as_it_arrived()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["one two three four five six seven eight"], InterruptRate = 1 };
        using var chat = StartChat();
        await chat.WaitForAsync("you> ", Patience);
        await chat.TypeLineAsync("count to eight");
        await chat.WaitForAsync("[the answer was cut", Patience);
        await chat.TypeLineAsync("/exit");

        Assert.Equal(0, await chat.WaitForExitAsync(Patience));
        var turn = Assert.Single(await JournalTurnsAsync());
        Assert.Equal(["count to eight", "one two three four "], turn.Turn.Messages.Select(m => m.Content));
        Assert.Equal(TurnInterruption.Dropped, turn.Turn.Interruption);
        Assert.Equal(1, _server.Emulator.GetStats().BlobsReceived);
    }

    [Fact]
    public async Task With_Memobase_down_the_conversation_goes_on_without_memory_says_so_once_and_keeps_the_turns_in_the_journal()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["First answer.", "Second answer."] };
        _server.Emulator.Faults = new Emulator.FaultSettings { Outage = true };
        using var chat = StartChat();
        await chat.WaitForAsync("you> ", Patience);
        await chat.TypeLineAsync("hello");
        await chat.WaitForAsync("assistant> First answer.", Patience);
        await chat.TypeLineAsync("and again");
        await chat.WaitForAsync("assistant> Second answer.", Patience);
        await chat.TypeLineAsync("/exit");

        Assert.Equal(0, await chat.WaitForExitAsync(Patience));
        Assert.Contains("memory empty or unavailable", chat.Screen, StringComparison.Ordinal);
        Assert.Equal(2, chat.Screen.Split("Memobase memory is unavailable").Length);
        Assert.All(_server.Emulator.GetChatRequests(), r => Assert.Equal("You are a helpful assistant.", r.SystemPrompt));
        Assert.Equal([TurnState.Pending, TurnState.Pending], (await JournalTurnsAsync()).Select(t => t.State));
        Assert.Equal(0, _server.Emulator.GetStats().BlobsReceived);
    }

    [Fact]
    public async Task Without_an_LLM_configured_it_says_exactly_what_to_set_and_fails()
    {
        using var process = CliProcess.Start(new Dictionary<string, string> { ["LLM_URL"] = "", ["LLM_MODEL"] = "", ["REALTIME_URL"] = "" }, "chat", "--user", User);
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("memosync: chat: no LLM configured: set --llm-url (or LLM_URL) to an OpenAI-compatible API root such as http://localhost:11434/v1 "
            + "and --llm-model (or LLM_MODEL), and LLM_API_KEY if the endpoint needs a key; or --realtime (or REALTIME_URL) to a realtime endpoint, "
            + "and REALTIME_API_KEY if it needs a key.", error.Trim());
    }

    [Fact]
    public async Task Over_the_realtime_protocol_a_dropped_answer_is_recorded_as_heard_and_the_chat_reconnects_for_the_next_line()
    {
        const string longAnswer = "one two three four five six seven eight";
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Bonjour Alice!"] };
        using var chat = TerminalSession.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = _server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["REALTIME_API_KEY"] = Key,
        }, ["chat", "--user", User, "--realtime", $"ws://{_server.Emulator.BaseAddress.Authority}/v1/realtime", "--journal", JournalPath]);
        await chat.WaitForAsync("you> ", Patience);
        await chat.TypeLineAsync("hello there");
        await chat.WaitForAsync("assistant> Bonjour Alice!", Patience);

        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = [longAnswer], ChunkDelayMs = 5, DropRate = 1 };
        await chat.WaitForAsync("you> ", Patience, times: 2);
        await chat.TypeLineAsync("count to eight");
        await chat.WaitForAsync("what was said is recorded]", Patience);

        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Back again."] };
        await chat.WaitForAsync("you> ", Patience, times: 3);
        await chat.TypeLineAsync("are you back?");
        await chat.WaitForAsync("assistant> Back again.", Patience);
        await chat.TypeLineAsync("/exit");

        Assert.Equal(0, await chat.WaitForExitAsync(Patience));
        Assert.Contains("3 turns recorded", chat.Screen, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, chat.Screen, StringComparison.Ordinal);
        var turns = await JournalTurnsAsync();
        Assert.Equal(
            [("hello there|Bonjour Alice!", null), ("count to eight|one two three four", TurnInterruption.Dropped), ("are you back?|Back again.", null)],
            turns.Select(t => (string.Join("|", t.Turn.Messages.Select(m => m.Content)), t.Turn.Interruption)));
        Assert.All(turns, t => Assert.Equal(TurnState.Synced, t.State));
        Assert.Equal([ChatOutcome.Answered, ChatOutcome.Dropped, ChatOutcome.Answered], _server.Emulator.GetRealtimeResponses().Select(r => r.Outcome));
        Assert.All(_server.Emulator.GetRealtimeResponses(), r => Assert.Contains("interest::sports: plays tennis on Sundays", r.Instructions, StringComparison.Ordinal));
    }
}
