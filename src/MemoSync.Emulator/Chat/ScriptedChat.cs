namespace MemoSync.Emulator.Chat;

/// <summary>The scripted chat's state: its settings, the next canned answer and transcript, and the fault draws.</summary>
internal sealed class ScriptedChat
{
    private readonly Lock _gate = new();
    private ScriptedChatSettings _settings = new();
    private Random _random = new();
    private int _next;
    private int _nextTranscript;

    public ScriptedChat(ScriptedChatSettings initial) => Settings = initial;

    /// <summary>Setting them starts the script again from its first answer.</summary>
    public ScriptedChatSettings Settings
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }
        set
        {
            if (value.Validate() is { } error)
            {
                throw new ArgumentException($"Invalid chat settings: {error}", nameof(value));
            }
            lock (_gate)
            {
                _settings = value;
                _random = value.Seed is { } seed ? new Random(seed) : new Random();
                _next = 0;
                _nextTranscript = 0;
            }
        }
    }

    /// <summary>The answer to a request, what happens to it, and the settings it was drawn under.</summary>
    public (string Answer, string Outcome, ScriptedChatSettings Settings) Next(string? lastUserMessage)
    {
        lock (_gate)
        {
            var s = _settings;
            var answer = s.Answers.Count == 0 ? $"You said: {lastUserMessage ?? "nothing"}" : s.Answers[_next++ % s.Answers.Count];
            var roll = _random.NextDouble();
            var outcome = roll < s.DropRate ? ChatOutcome.Dropped
                : roll - s.DropRate < s.InterruptRate ? ChatOutcome.Interrupted
                : roll - s.DropRate - s.InterruptRate < s.ErrorRate ? ChatOutcome.Failed
                : ChatOutcome.Answered;
            return (answer, outcome, s);
        }
    }

    /// <summary>What the realtime endpoint hears in <paramref name="seconds"/> of committed audio.</summary>
    public string NextTranscript(double seconds)
    {
        lock (_gate)
        {
            var s = _settings;
            return s.Transcripts.Count == 0
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({seconds:0.0} s of audio)")
                : s.Transcripts[_nextTranscript++ % s.Transcripts.Count];
        }
    }
}
