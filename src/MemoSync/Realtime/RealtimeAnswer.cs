using System.Text;
using MemoSync.Journal;

namespace MemoSync.Realtime;

/// <summary>
/// The assistant's answer as it arrives: its text, where in its audio each piece of text starts, and whether
/// and why it stopped short. Once interrupted it takes no more text: the person did not hear it.
/// </summary>
internal sealed class RealtimeAnswer(string? responseId)
{
    /// <summary>PCM16 mono at 24 kHz: bytes of audio per millisecond.</summary>
    private const int BytesPerMs = 48;

    private readonly StringBuilder _text = new();
    private readonly List<(long AudioAt, int TextLength)> _pieces = [];
    private long _audioBytes;

    public string? ResponseId { get; } = responseId;

    public TurnInterruption? Interruption { get; private set; }

    public string Text => _text.ToString().Trim();

    public bool Belongs(string? responseId) => responseId is null || ResponseId is null || responseId == ResponseId;

    public void AddText(string? delta)
    {
        if (Interruption is null && !string.IsNullOrEmpty(delta))
        {
            _pieces.Add((_audioBytes, _text.Length));
            _text.Append(delta);
        }
    }

    public void AddAudio(string? base64)
    {
        if (Interruption is null && !string.IsNullOrEmpty(base64))
        {
            // Decoded length without decoding: 3 bytes per 4 characters, less the padding.
            // A delta of padding alone ("==") adds nothing rather than taking away.
            _audioBytes += Math.Max(0, base64.Length / 4 * 3 - (base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0));
        }
    }

    /// <summary>Stops taking text; the first reason given is the one kept.</summary>
    public void Interrupt(TurnInterruption why) => Interruption ??= why;

    /// <summary>
    /// The person heard the audio up to <paramref name="audioEndMs"/>: text whose audio starts later was not said. Text that
    /// came before any audio cannot be placed in it, and is kept.
    /// </summary>
    public void Truncate(int audioEndMs)
    {
        var heard = (long)audioEndMs * BytesPerMs;
        var cut = _pieces.FindIndex(p => p.AudioAt >= heard && p.AudioAt > 0);
        if (cut >= 0)
        {
            _text.Length = _pieces[cut].TextLength;
            _pieces.RemoveRange(cut, _pieces.Count - cut);
        }
        Interrupt(TurnInterruption.Cancelled);
    }

    /// <summary>How the server ended the response: a cancel is the person's barge-in when the server detected their turn.</summary>
    public void End(string? status, string? reason)
    {
        switch (status)
        {
            case "cancelled":
                Interrupt(reason == "turn_detected" ? TurnInterruption.UserSpoke : TurnInterruption.Cancelled);
                break;
            case "failed":
                Interrupt(TurnInterruption.Failed);
                break;
        }
    }
}
