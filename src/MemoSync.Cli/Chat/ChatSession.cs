using System.Text;
using MemoSync.Chat;
using MemoSync.Journal;
using MemoSync.Memory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace MemoSync.Cli.Chat;

/// <summary>
/// One text conversation with an LLM through the MemoSync chat middleware, which puts the user's memory in the system
/// prompt (cached, refreshed every N turns, never waiting past its timeout) and records each exchange however it ends,
/// for the engine to deliver; this keeps the history and streams each answer to the terminal.
/// </summary>
internal sealed class ChatSession : ITextConversation
{
    private readonly List<ChatMessage> _history = [];
    private readonly IChatClient _llm;
    private readonly MemoryContextProvider _memory;
    private readonly string _userId;
    private readonly string _instructions;
    private readonly TextWriter _output;
    private int _turnsRecorded;

    /// <summary>A session of <paramref name="userId"/> over <paramref name="llm"/>, with MemoSync's middleware from <paramref name="services"/>.</summary>
    public ChatSession(IChatClient llm, IServiceProvider services, string userId, string sessionId, string instructions, TextWriter output)
    {
        _llm = llm.AsBuilder().UseMemoSync(o =>
        {
            o.UserId = _ => userId;
            o.SessionId = _ => sessionId;
            o.TurnRecorded = _ => Interlocked.Increment(ref _turnsRecorded);
        }).Build(services);
        _memory = services.GetRequiredService<MemoryContextProvider>();
        (_userId, _instructions, _output) = (userId, instructions, output);
    }

    /// <inheritdoc />
    public int TurnsRecorded => Volatile.Read(ref _turnsRecorded);

    /// <summary>Reads the user's memory before the first turn; true when Memobase had something for the system prompt.</summary>
    public async Task<bool> StartAsync(CancellationToken ct) => await _memory.StartSessionAsync(_userId, ct) is { Length: > 0 };

    /// <summary>
    /// One exchange: the answer is streamed to the output as it comes. An answer cut by the LLM service is recorded as far as
    /// it arrived (the person saw it), and said to be cut; when none came (the service refused or was unreachable), the
    /// user's message is recorded alone.
    /// </summary>
    public async Task TurnAsync(string said, CancellationToken ct)
    {
        var request = new List<ChatMessage>(_history.Count + 2) { new(ChatRole.System, _instructions) };
        request.AddRange(_history);
        request.Add(new ChatMessage(ChatRole.User, said));

        var answer = new StringBuilder();
        await _output.WriteAsync("assistant> ");
        try
        {
            await foreach (var update in _llm.GetStreamingResponseAsync(request, cancellationToken: ct))
            {
                answer.Append(update.Text);
                await _output.WriteAsync(update.Text);
                await _output.FlushAsync(ct);
            }
            await _output.WriteLineAsync();
        }
        catch (Exception e) when (e is not (JournalUnavailableException or TurnRejectedException) && (e is not OperationCanceledException || !ct.IsCancellationRequested))
        {
            await _output.WriteLineAsync();
            await _output.WriteLineAsync($"[the answer {(answer.Length == 0 ? "did not come" : "was cut")}: {e.Message}]");
        }
        _history.Add(new ChatMessage(ChatRole.User, said));
        if (answer.Length > 0)
        {
            _history.Add(new ChatMessage(ChatRole.Assistant, answer.ToString()));
        }
    }
}
