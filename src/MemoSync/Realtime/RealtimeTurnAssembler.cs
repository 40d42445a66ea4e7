using MemoSync.Dialogue;
using MemoSync.Journal;

namespace MemoSync.Realtime;

/// <summary>
/// Makes turns of a realtime session's events: what the person said (typed, or the transcript of their audio) and
/// what the assistant said, recorded through the <see cref="DialogueRecorder"/> when the response is done. An answer
/// the person interrupted (they spoke over it, it was cancelled or truncated, the server failed it, the connection
/// dropped) keeps only what was said before, and the turn says why it stopped short.
/// Feed it from the one loop that reads the session's events.
/// </summary>
public sealed class RealtimeTurnAssembler(DialogueRecorder recorder)
{
    private readonly HashSet<string> _awaitingTranscripts = [];
    private readonly List<string> _userSaid = [];
    private RealtimeAnswer? _answer;
    private RealtimeAnswer? _finished;

    /// <summary>Turns recorded so far.</summary>
    public int TurnsRecorded { get; private set; }

    /// <summary>Adds what the person typed (sent with <c>conversation.item.create</c>) to the turn in progress.</summary>
    public void UserSaid(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        _userSaid.Add(text.Trim());
    }

    /// <summary>
    /// The person heard the answer in progress only up to <paramref name="audioEndMs"/> of its audio (playback stopped there):
    /// what comes after is not kept. Call it before sending <c>conversation.item.truncate</c> and <c>response.cancel</c>,
    /// since the server may finish the response before it confirms the truncation.
    /// </summary>
    public void PlayedUpTo(int audioEndMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(audioEndMs);
        _answer?.Truncate(audioEndMs);
    }

    /// <summary>Takes one server event; returns the turn it ended, once durable in the journal, or null.</summary>
    /// <exception cref="TurnRejectedException">The turn is not acceptable; its messages stay in the recorder.</exception>
    /// <exception cref="JournalUnavailableException">The journal cannot be written; the messages stay in the recorder.</exception>
    public async Task<Turn?> ObserveAsync(RealtimeServerEvent e, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Type)
        {
            case RealtimeEventTypes.InputAudioCommitted when e.ItemId is { } item:
                // The response may finish before the transcript of what it answers: the turn waits for it.
                _awaitingTranscripts.Add(item);
                break;
            case RealtimeEventTypes.InputTranscriptionCompleted:
                _awaitingTranscripts.Remove(e.ItemId ?? "");
                if (!string.IsNullOrWhiteSpace(e.Transcript))
                {
                    UserSaid(e.Transcript);
                }
                return await FinalizeWhenCompleteAsync(ct);
            case RealtimeEventTypes.InputTranscriptionFailed:
                _awaitingTranscripts.Remove(e.ItemId ?? "");
                return await FinalizeWhenCompleteAsync(ct);
            case RealtimeEventTypes.SpeechStarted:
                _answer?.Interrupt(TurnInterruption.UserSpoke);
                break;
            case RealtimeEventTypes.ResponseCreated:
                _answer = new RealtimeAnswer(e.ResponseId);
                break;
            case RealtimeEventTypes.AudioTranscriptDelta or RealtimeEventTypes.TextDelta when _answer?.Belongs(e.ResponseId) == true:
                _answer.AddText(e.Delta);
                break;
            case RealtimeEventTypes.AudioDelta when _answer?.Belongs(e.ResponseId) == true:
                _answer.AddAudio(e.Delta);
                break;
            case RealtimeEventTypes.ItemTruncated when e.AudioEndMs is { } heardMs:
                (_answer ?? _finished)?.Truncate(heardMs);
                break;
            case RealtimeEventTypes.Error:
                // An error while an answer is in progress ends it; others (a refused client event) are the caller's to report.
                _answer?.Interrupt(TurnInterruption.Failed);
                break;
            case RealtimeEventTypes.ResponseDone:
                _finished = _answer ?? new RealtimeAnswer(e.ResponseId);
                _finished.End(e.ResponseStatus, e.StatusReason);
                _answer = null;
                return await FinalizeWhenCompleteAsync(ct);
        }
        return null;
    }

    /// <summary>
    /// The connection dropped: records what was said so far, an answer in progress marked as dropped, and a person's
    /// words that got no answer. A transcript that never came is not waited for.
    /// </summary>
    public Task<Turn?> ConnectionLostAsync(CancellationToken ct = default)
    {
        _awaitingTranscripts.Clear();
        if (_answer is not null || _userSaid.Count > 0)
        {
            _finished ??= _answer ?? new RealtimeAnswer(null);
            _finished.Interrupt(TurnInterruption.Dropped);
        }
        _answer = null;
        return FinalizeWhenCompleteAsync(ct);
    }

    private async Task<Turn?> FinalizeWhenCompleteAsync(CancellationToken ct)
    {
        if (_finished is not { } answer || _awaitingTranscripts.Count > 0)
        {
            return null;
        }
        _finished = null;
        if (_userSaid.Count == 0 && answer.Text.Length == 0)
        {
            return null;
        }
        if (_userSaid.Count > 0)
        {
            recorder.AddUserMessage(string.Join("\n", _userSaid));
            _userSaid.Clear();
        }
        if (answer.Text.Length > 0)
        {
            recorder.AddAssistantMessage(answer.Text);
        }
        if (answer.Interruption is { } why)
        {
            recorder.MarkInterrupted(why);
        }
        var turn = await recorder.FinalizeTurnAsync(ct);
        if (turn is not null)
        {
            TurnsRecorded++;
        }
        return turn;
    }
}
