using System.ClientModel;
using System.CommandLine;
using MemoSync.Cli.Chat;
using MemoSync.Cli.Configuration;
using MemoSync.Cli.Voice;
using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Journal;
using MemoSync.Memory;
using MemoSync.Realtime;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace MemoSync.Cli.Commands;

/// <summary>
/// <c>memosync chat</c>: a text conversation in the terminal with any OpenAI-compatible chat completions endpoint
/// (OpenAI, GLM, Ollama, vLLM, the emulator's scripted chat), or with <c>--realtime</c> a realtime endpoint in text mode,
/// the answer streamed; the user's Memobase memory in the
/// system prompt at the start and every N turns; every turn recorded in the journal and delivered at once.
/// </summary>
internal static class ChatCommand
{
    /// <summary>The variable the LLM's key is read from; the key is never a flag and never printed.</summary>
    public const string KeyVariable = "LLM_API_KEY";

    public static Command Create(CliSettings settings)
    {
        var llmUrl = new Option<string?>("--llm-url")
        {
            Description = "The OpenAI-compatible API root, e.g. http://localhost:11434/v1 (LLM_URL). The key comes from LLM_API_KEY.",
        };
        var llmModel = new Option<string?>("--llm-model") { Description = "The model (LLM_MODEL)." };
        var system = new Option<string>("--system")
        {
            Description = "The assistant's instructions; the user's memory follows them in the system prompt.",
            DefaultValueFactory = _ => "You are a helpful assistant.",
        };
        var memoryEvery = new Option<int>("--memory-every")
        {
            Description = "Read the user's memory again every N turns.",
            DefaultValueFactory = _ => new MemoryContextOptions().RefreshEveryTurns,
        };
        var memoryTimeout = new Option<int>("--memory-timeout")
        {
            Description = "Milliseconds a turn waits for the memory at most.",
            DefaultValueFactory = _ => (int)new MemoryContextOptions().Timeout.TotalMilliseconds,
        };
        var flush = new Option<bool>("--flush")
        {
            Description = "At the end, flush the user's Memobase buffer so the memory is current for the next session.",
        };
        var realtime = new RealtimeFlags();
        var command = new Command("chat", "Chat with an LLM in the terminal; every turn is recorded and delivered to Memobase, whose memory of the user is in the system prompt.")
        {
            settings.User, llmUrl, llmModel, system, memoryEvery, memoryTimeout, flush, settings.Url, settings.Journal,
        };
        realtime.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var configuration = settings.Load(result);
            var overRealtime = realtime.Read(result, configuration, "chat");
            var (url, model) = (result.GetValue(llmUrl) ?? configuration["LLM_URL"] ?? "", result.GetValue(llmModel) ?? configuration["LLM_MODEL"] ?? "");
            if (overRealtime is null && (url.Length == 0 || model.Length == 0))
            {
                throw new CliFailure(ExitCodes.BadSetting, "chat: no LLM configured: set --llm-url (or LLM_URL) to an OpenAI-compatible API root "
                    + $"such as http://localhost:11434/v1 and --llm-model (or LLM_MODEL), and {KeyVariable} if the endpoint needs a key; "
                    + $"or --realtime (or REALTIME_URL) to a realtime endpoint, and {RealtimeFlags.KeyVariable} if it needs a key.");
            }
            Uri? root = null;
            if (overRealtime is null && (!Uri.TryCreate(url, UriKind.Absolute, out root) || root.Scheme is not ("http" or "https")))
            {
                throw new CliFailure(ExitCodes.BadSetting, $"chat: --llm-url must be an http or https URL such as http://localhost:11434/v1, got '{url}'.");
            }
            if (configuration["USER_ID"] is not { Length: > 0 } userId)
            {
                throw new CliFailure(ExitCodes.BadSetting, "chat: no user: set --user (or USER_ID).");
            }
            var memoryOptions = new MemoryContextOptions
            {
                RefreshEveryTurns = result.GetValue(memoryEvery),
                Timeout = TimeSpan.FromMilliseconds(result.GetValue(memoryTimeout)),
                FlushBufferAtSessionEnd = result.GetValue(flush),
            };
            if (memoryOptions.Validate() is { } memoryError)
            {
                throw new CliFailure(ExitCodes.BadSetting, $"chat: --memory-every and --memory-timeout must be positive (the timeout at least 10 ms): {memoryError}.");
            }
            await using var services = CliServices.Build(configuration, o => o.Memory = memoryOptions);
            var sessionId = $"chat-{Guid.CreateVersion7()}";
            var instructions = result.GetValue(system)!;
            if (overRealtime is not null)
            {
                var recorder = services.GetRequiredService<DialogueRecorderFactory>().Create(userId, sessionId);
                await using var overSocket = new RealtimeChatSession(overRealtime, services.GetRequiredService<MemoryContextProvider>(),
                    new RealtimeTurnAssembler(recorder), userId, instructions, Console.Out);
                return await RunAsync(services, CliSettings.JournalAt(configuration), overSocket, userId, sessionId, ct);
            }
            var key = configuration[KeyVariable] is { Length: > 0 } k ? k : "none";
            using var llm = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = root })
                .GetChatClient(model).AsIChatClient();
            var session = new ChatSession(llm, services, userId, sessionId, instructions, Console.Out);
            return await RunAsync(services, CliSettings.JournalAt(configuration), session, userId, sessionId, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, JournalLocation journalAt, ITextConversation session, string userId, string sessionId,
        CancellationToken ct)
    {
        var engine = services.GetRequiredService<DeliveryEngine>();
        engine.Start();
        var memory = services.GetRequiredService<MemoryContextProvider>();

        var remembered = await session.StartAsync(ct);
        Console.WriteLine($"memosync chat: {userId}, session {sessionId}; memory {(remembered ? "loaded" : "empty or unavailable")}; "
            + $"journal {journalAt}. Type /exit or Ctrl+D to end.");
        try
        {
            while (true)
            {
                Console.Write("you> ");
                var line = (await Console.In.ReadLineAsync(ct))?.Trim();
                if (line is null or "/exit")
                {
                    break;
                }
                if (line.Length > 0)
                {
                    await session.TurnAsync(line, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C: the session ends as with /exit; the turns recorded so far are delivered or stay pending.
        }

        Console.WriteLine();
        await engine.DrainAsync();
        var flushed = await memory.EndSessionAsync(userId, CancellationToken.None);
        Console.WriteLine($"memosync chat: {session.TurnsRecorded} turns recorded{(flushed ? "; the user's buffer was flushed" : "")}.");
        Console.WriteLine(engine.Statistics.ToTable());
        return ExitCodes.Ok;
    }
}
