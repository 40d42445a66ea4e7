namespace MemoSync.Emulator.Realtime;

/// <summary>One response of the scripted realtime endpoint, as a test or a developer checks it afterwards.</summary>
/// <param name="At">When the response was asked for.</param>
/// <param name="Model">The model the session was opened with.</param>
/// <param name="Instructions">The session's instructions (the system prompt) at that time.</param>
/// <param name="Modalities">The response's modalities: text, or text and audio.</param>
/// <param name="UserInput">What the person last said: typed text or the transcript of their audio.</param>
/// <param name="Outcome">One of <see cref="Chat.ChatOutcome"/>: answered, interrupted, cancelled, dropped or failed.</param>
/// <param name="Sent">The answer's text that was sent before the response ended: what a listener heard.</param>
public sealed record ReceivedRealtimeResponse(DateTimeOffset At, string Model, string? Instructions, IReadOnlyList<string> Modalities,
    string? UserInput, string Outcome, string Sent);
