namespace MemoSync.Emulator.Chat;

/// <summary>What the scripted chat endpoint does with one request, as recorded in <see cref="ReceivedChatRequest.Outcome"/>.</summary>
public static class ChatOutcome
{
    /// <summary>The whole answer was sent.</summary>
    public const string Answered = "answered";

    /// <summary>The connection was cut halfway through the answer.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>The connection was cut before any answer.</summary>
    public const string Dropped = "dropped";
}
