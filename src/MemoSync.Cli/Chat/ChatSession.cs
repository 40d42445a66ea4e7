using System.Text;
using MemoSync.Dialogue;
using MemoSync.Memory;
using Microsoft.Extensions.AI;
using MemobaseMessage = MemoSync.Memobase.Models.ChatMessage;

namespace MemoSync.Cli.Chat;

/// <summary>
/// One text conversation with an LLM: each turn asks for the user's memory (cached, refreshed every N turns,
/// never waiting past its timeout), sends it in the system prompt with the history, streams the answer to the
/// terminal, and records the finished exchange, which the recorder makes durable and the worker delivers.
/// </summary>
internal sealed class ChatSession(IChatClient llm, MemoryContextProvider memory, DialogueRecorder recorder, string userId, string instructions,
    TextWriter output) : ITextConversation
{
    private readonly List<ChatMessage> _history = [];

    /// <inheritdoc />
    public int TurnsRecorded { get; private set; }

    /// <summary>Reads the user's memory before the first turn; true when Memobase had something for the system prompt.</summary>
    public async Task<bool> StartAsync(CancellationToken ct) => await memory.StartSessionAsync(userId, ct) is { Length: > 0 };

    /// <summary>
    /// One exchange: the answer is streamed to the output as it comes. An answer cut by the LLM service is recorded as far as
    /// it arrived (the person saw it), and said to be cut; when none came (the service refused or was unreachable), the
    /// user's message is recorded alone.
    /// </summary>
    public async Task TurnAsync(string said, CancellationToken ct)
    {
        var system = await memory.BuildSystemPromptAsync(instructions, userId, RecentChats(), ct);
        recorder.AddUserMessage(said);
        var request = new List<ChatMessage>(_history.Count + 2) { new(ChatRole.System, system) };
        request.AddRange(_history);
        request.Add(new ChatMessage(ChatRole.User, said));

        var answer = new StringBuilder();
        await output.WriteAsync("assistant> ");
        try
        {
            await foreach (var update in llm.GetStreamingResponseAsync(request, cancellationToken: ct))
            {
                answer.Append(update.Text);
                await output.WriteAsync(update.Text);
                await output.FlushAsync(ct);
            }
            await output.WriteLineAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync($"[the answer {(answer.Length == 0 ? "did not come" : "was cut")}: {e.Message}]");
        }
        _history.Add(new ChatMessage(ChatRole.User, said));
        if (answer.Length > 0)
        {
            recorder.AddAssistantMessage(answer.ToString());
            _history.Add(new ChatMessage(ChatRole.Assistant, answer.ToString()));
        }
        await recorder.FinalizeTurnAsync(ct);
        TurnsRecorded++;
    }

    private List<MemobaseMessage> RecentChats() =>
        _history.Select(m => new MemobaseMessage(m.Role == ChatRole.User ? MemobaseMessage.UserRole : MemobaseMessage.AssistantRole, m.Text)).ToList();
}
