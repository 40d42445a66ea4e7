namespace MemoSync.Emulator.Chat;

/// <summary>A chat completion request the scripted endpoint received, so a test can see what reached the LLM.</summary>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="Model">The model asked for.</param>
/// <param name="Stream">Whether the answer was streamed.</param>
/// <param name="SystemPrompt">The system (or developer) messages joined by blank lines; null when there were none.</param>
/// <param name="Messages">Every message, in order.</param>
/// <param name="Outcome">What the endpoint did: <c>answered</c>, <c>interrupted</c> or <c>dropped</c>.</param>
public sealed record ReceivedChatRequest(DateTimeOffset ReceivedAt, string Model, bool Stream, string? SystemPrompt,
    IReadOnlyList<ReceivedChatMessage> Messages, string Outcome);
