using System.Globalization;
using MemoSync.Delivery;
using MemoSync.Journal;
using MemoSync.Operations;
using MemoSync.Memobase.Models;

namespace MemoSync.Dialogue;

/// <summary>
/// The guide's data_logger: collects the messages of the turn in progress and, when the conversation
/// ends the turn, records it durably through the delivery engine, which delivers it at once (or appends
/// it to the journal alone, without an engine). Each message keeps the time it was said.
/// </summary>
public sealed class DialogueRecorder(ITurnLog journal, DeliveryEngine? engine, string userId, string? sessionId, TimeProvider time)
{
    private readonly Lock _gate = new();
    private List<ChatMessage> _messages = [];
    private TurnInterruption? _interruption;
    private Turn? _unrecorded;

    /// <summary>Adds what the person said to the current turn.</summary>
    public void AddUserMessage(string content, string? alias = null) => Add(ChatMessage.UserRole, content, alias);

    /// <summary>Adds what the assistant said to the current turn.</summary>
    public void AddAssistantMessage(string content, string? alias = null) => Add(ChatMessage.AssistantRole, content, alias);

    /// <summary>Says that the current turn's answer stopped short: the turn carries the reason when it is finalized.</summary>
    public void MarkInterrupted(TurnInterruption interruption)
    {
        lock (_gate)
        {
            _interruption = interruption;
        }
    }

    private void Add(string role, string content, string? alias)
    {
        var said = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _messages.Add(new ChatMessage(role, content, alias, said));
        }
    }

    /// <summary>
    /// Ends the turn: returns once it is durable in the journal, handed to the engine without waiting for
    /// delivery. Returns null when nothing was said since the last turn. A turn that could not be recorded is
    /// recorded first, under the same id, so a commit whose acknowledgement was lost is never recorded twice
    /// (the journal keeps the first of an id); what was said since becomes the next turn.
    /// </summary>
    /// <exception cref="TurnRejectedException">The turn is not acceptable (the exception names the field); its messages are kept.</exception>
    /// <exception cref="JournalUnavailableException">The journal cannot be written: the turn was not recorded and is tried again, whole, by the next call.</exception>
    public async Task<Turn?> FinalizeTurnAsync(CancellationToken ct = default)
    {
        Turn? unrecorded;
        lock (_gate)
        {
            (unrecorded, _unrecorded) = (_unrecorded, null);
        }
        if (unrecorded is not null)
        {
            await RecordAsync(unrecorded, ct);
        }
        List<ChatMessage> messages;
        TurnInterruption? interruption;
        lock (_gate)
        {
            if (_messages.Count == 0)
            {
                return unrecorded;
            }
            (messages, interruption) = (_messages, _interruption);
            (_messages, _interruption) = ([], null);
        }
        using var recording = MemoSyncTracing.StartRecording();
        var turn = MemoSyncTracing.InCurrentTrace(Turn.Create(userId, sessionId, messages, time) with { Interruption = interruption });
        recording?.SetTag(MemoSyncTracing.TurnIdTag, turn.Id.ToString());
        try
        {
            await RecordAsync(turn, ct);
        }
        catch (Exception e)
        {
            MemoSyncTracing.Failed(recording, e.Message);
            if (e is TurnRejectedException)
            {
                lock (_gate)
                {
                    // Not acceptable as it is: the messages go back in front of anything said since.
                    _messages.InsertRange(0, messages);
                    _interruption ??= interruption;
                }
            }
            throw;
        }
        return turn;
    }

    /// <summary>Records <paramref name="turn"/>; when that fails for any reason but the turn itself, keeps it, id and all, for the next call.</summary>
    private async Task RecordAsync(Turn turn, CancellationToken ct)
    {
        try
        {
            await (engine is null ? journal.AppendAsync(turn, ct) : engine.RecordAsync(turn, ct));
        }
        catch (Exception e) when (e is not TurnRejectedException)
        {
            lock (_gate)
            {
                _unrecorded = turn;
            }
            throw;
        }
    }
}
