using System.Runtime.CompilerServices;
using System.Text;
using MemoSync.Dialogue;
using MemoSync.Journal;
using MemoSync.Memory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MemobaseMessage = MemoSync.Memobase.Models.ChatMessage;

namespace MemoSync.Chat;

/// <summary>
/// Memory for any <see cref="IChatClient"/>, as Memobase's <c>openai_memory</c> patch gives it to the Python OpenAI client:
/// each call of a known user gets the user's memory in its system prompt (appended to the first system message, or as a
/// system message of its own), read within the memory timeout so a slow Memobase never holds the answer longer; and each
/// call that ends on a user message is recorded as a turn (that message and the answer's text) in the journal, from which
/// the delivery engine delivers it. The memory itself is never recorded.
/// </summary>
/// <remarks>
/// A call that does not end as asked is recorded all the same, with what the person saw and why it stopped short: a
/// streamed answer the caller stopped reading, or a call cancelled, is <see cref="TurnInterruption.Cancelled"/>; a
/// connection lost <see cref="TurnInterruption.Dropped"/>; an error of the service <see cref="TurnInterruption.Failed"/>
/// (the user's message alone when no answer came). A call cancelled while it waits for the memory, before the LLM is asked,
/// records nothing. A streamed turn is recorded once the stream ends, before the caller sees its end. When the journal cannot
/// take the turn, the call throws <see cref="JournalUnavailableException"/> (or <see cref="TurnRejectedException"/>, naming
/// what Memobase would not accept, such as a turn over the size limit).
/// Put it before <c>UseFunctionInvocation</c> in the builder, so one call is the whole exchange, tool calls included.
/// </remarks>
public sealed class MemoSyncChatClient : DelegatingChatClient
{
    private readonly MemoryContextProvider _memory;
    private readonly DialogueRecorderFactory _recorders;
    private readonly MemoSyncChatClientOptions _options;
    private readonly ILogger _logger;
    private int _saidNoUser;

    /// <summary>Wraps <paramref name="innerClient"/>; <c>chatClient.AsBuilder().UseMemoSync()</c> makes one from the application's services.</summary>
    public MemoSyncChatClient(IChatClient innerClient, MemoryContextProvider memory, DialogueRecorderFactory recorders, MemoSyncChatClientOptions options,
        ILogger<MemoSyncChatClient> logger) : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(recorders);
        ArgumentNullException.ThrowIfNull(options);
        _memory = memory;
        _recorders = recorders;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var exchange = await BeginAsync(messages, options, cancellationToken);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(exchange.Messages, exchange.Options, cancellationToken);
        }
        catch (Exception e)
        {
            await EndAsync(exchange, "", InterruptionOf(e, cancellationToken));
            throw;
        }
        await EndAsync(exchange, response.Text, null);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var exchange = await BeginAsync(messages, options, cancellationToken);
        var answer = new StringBuilder();
        // What the turn says when the caller stops reading before the end.
        TurnInterruption? interruption = TurnInterruption.Cancelled;
        var updates = base.GetStreamingResponseAsync(exchange.Messages, exchange.Options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        interruption = null;
                        break;
                    }
                }
                catch (Exception e)
                {
                    interruption = InterruptionOf(e, cancellationToken);
                    throw;
                }
                answer.Append(updates.Current.Text);
                yield return updates.Current;
            }
        }
        finally
        {
            await updates.DisposeAsync();
            await EndAsync(exchange, answer.ToString(), interruption);
        }
    }

    /// <summary>The call as it goes on (memory in, MemoSync's keys out) and, when it ends on a user message, the turn's recorder holding it.</summary>
    private async Task<ChatExchange> BeginAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sentOptions = MemoSyncChatOptions.WithoutMemoSyncKeys(options);
        if (_options.UserId(options) is not { } userId || string.IsNullOrWhiteSpace(userId))
        {
            if (Interlocked.Exchange(ref _saidNoUser, 1) == 0)
            {
                ChatLog.NoUser(_logger);
            }
            return new ChatExchange(messages, sentOptions, null);
        }
        var conversation = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var memory = _options.InjectMemory ? await _memory.GetContextAsync(userId, RecentChats(conversation), ct) : null;
        DialogueRecorder? recorder = null;
        if (conversation is [.., var last] && last.Role == ChatRole.User && !string.IsNullOrWhiteSpace(last.Text))
        {
            recorder = _recorders.Create(userId, _options.SessionId(options));
            recorder.AddUserMessage(last.Text);
        }
        return new ChatExchange(WithMemory(conversation, memory), sentOptions, recorder);
    }

    /// <summary>Records the turn, answered as far as <paramref name="answer"/> goes; the exchange happened, so the caller's cancellation does not stop this.</summary>
    private async Task EndAsync(ChatExchange exchange, string answer, TurnInterruption? interruption)
    {
        if (exchange.Recorder is not { } recorder)
        {
            return;
        }
        if (!string.IsNullOrWhiteSpace(answer))
        {
            recorder.AddAssistantMessage(answer);
        }
        if (interruption is { } why)
        {
            recorder.MarkInterrupted(why);
        }
        if (await recorder.FinalizeTurnAsync(CancellationToken.None) is { } turn)
        {
            _options.TurnRecorded?.Invoke(turn);
        }
    }

    /// <summary>The conversation with the memory after the instructions of its first system message, or before it in one of its own.</summary>
    private static IEnumerable<ChatMessage> WithMemory(IReadOnlyList<ChatMessage> conversation, string? memory)
    {
        if (string.IsNullOrWhiteSpace(memory))
        {
            return conversation;
        }
        var sent = conversation.ToList();
        if (sent is [var first, ..] && first.Role == ChatRole.System)
        {
            sent[0] = new ChatMessage(ChatRole.System, MemoryContextProvider.ComposeSystemPrompt(first.Text, memory));
        }
        else
        {
            sent.Insert(0, new ChatMessage(ChatRole.System, MemoryContextProvider.ComposeSystemPrompt("", memory)));
        }
        return sent;
    }

    /// <summary>The user's and assistant's words so far, which help Memobase pick the related events.</summary>
    private static List<MemobaseMessage> RecentChats(IReadOnlyList<ChatMessage> conversation) => conversation
        .Where(m => (m.Role == ChatRole.User || m.Role == ChatRole.Assistant) && !string.IsNullOrWhiteSpace(m.Text))
        .Select(m => new MemobaseMessage(m.Role == ChatRole.User ? MemobaseMessage.UserRole : MemobaseMessage.AssistantRole, m.Text))
        .ToList();

    /// <summary>Why an answer stopped short, from what ended the call.</summary>
    internal static TurnInterruption InterruptionOf(Exception e, CancellationToken ct)
    {
        if (e is OperationCanceledException && ct.IsCancellationRequested)
        {
            return TurnInterruption.Cancelled;
        }
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            if (cause is IOException or HttpRequestException or TimeoutException)
            {
                return TurnInterruption.Dropped;
            }
        }
        return TurnInterruption.Failed;
    }
}
