namespace MemoSync.Emulator.Chat;

/// <summary>
/// How the emulator's scripted OpenAI-compatible endpoints answer, the chat (<c>POST /v1/chat/completions</c>) and the
/// realtime one (<c>/v1/realtime</c>): canned answers in order, latency, and the faults of a real LLM service (an
/// answer cut in the middle, a connection dropped, an error). Rates are probabilities from 0 to 1, drawn per answer.
/// </summary>
public sealed record ScriptedChatSettings
{
    /// <summary>The answers, given in order and then again from the first. Empty (the default): each answer repeats the user's last message as <c>You said: ...</c>.</summary>
    public IReadOnlyList<string> Answers { get => _answers; init => _answers = value ?? []; }

    // Null (an absent "answers" in JSON) reads as the echo.
    private readonly IReadOnlyList<string> _answers = [];

    /// <summary>Milliseconds before the first byte of an answer. Default 0.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Milliseconds between two streamed pieces of an answer. Default 0.</summary>
    public int ChunkDelayMs { get; init; }

    /// <summary>Share of answers whose connection is cut halfway through (a streamed answer after half of its pieces). Default 0.</summary>
    public double InterruptRate { get; init; }

    /// <summary>
    /// Share of requests whose connection is cut: chat before any answer; realtime halfway through the answer. Default 0.
    /// </summary>
    public double DropRate { get; init; }

    /// <summary>Share of answers the service fails: chat with HTTP 500; realtime with an <c>error</c> event and a failed response. Default 0.</summary>
    public double ErrorRate { get; init; }

    /// <summary>
    /// What the realtime endpoint hears in committed audio, in order and then again from the first. Empty (the default):
    /// <c>(N.N s of audio)</c>.
    /// </summary>
    public IReadOnlyList<string> Transcripts { get => _transcripts; init => _transcripts = value ?? []; }

    private readonly IReadOnlyList<string> _transcripts = [];

    /// <summary>Seed of the fault draws, for repeatable runs; null (the default) seeds from the clock.</summary>
    public int? Seed { get; init; }

    /// <summary>Why the settings cannot work, or null when they can.</summary>
    public string? Validate() => this switch
    {
        { LatencyMs: < 0 } => $"latency_ms must not be negative, got {LatencyMs}",
        { ChunkDelayMs: < 0 } => $"chunk_delay_ms must not be negative, got {ChunkDelayMs}",
        { InterruptRate: < 0 or > 1 } => $"interrupt_rate must be between 0 and 1, got {InterruptRate}",
        { DropRate: < 0 or > 1 } => $"drop_rate must be between 0 and 1, got {DropRate}",
        { ErrorRate: < 0 or > 1 } => $"error_rate must be between 0 and 1, got {ErrorRate}",
        _ when DropRate + InterruptRate + ErrorRate > 1 => "drop_rate, interrupt_rate and error_rate must add up to at most 1",
        _ when Answers.Any(string.IsNullOrEmpty) => "answers must not be empty strings",
        _ when Transcripts.Any(string.IsNullOrEmpty) => "transcripts must not be empty strings",
        _ => null,
    };

    /// <inheritdoc />
    public override string ToString() =>
        $"{(Answers.Count == 0 ? "echo" : $"{Answers.Count} scripted answers")}, latency {LatencyMs} ms, chunk delay {ChunkDelayMs} ms, "
        + $"interrupt {InterruptRate:0.###}, drop {DropRate:0.###}, error {ErrorRate:0.###}";
}
