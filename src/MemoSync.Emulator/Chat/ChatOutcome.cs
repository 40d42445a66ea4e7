namespace MemoSync.Emulator.Chat;

/// <summary>What the scripted chat endpoint does with one request, as recorded in <see cref="ReceivedChatRequest.Outcome"/>.</summary>
public static class ChatOutcome
{
    /// <summary>The whole answer was sent.</summary>
    public const string Answered = "answered";

    /// <summary>The connection was cut halfway through the answer.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>The connection was cut: chat before any answer, realtime halfway through it.</summary>
    public const string Dropped = "dropped";

    /// <summary>The service failed the answer (chat: HTTP 500; realtime: an error event and a failed response).</summary>
    public const string Failed = "failed";

    /// <summary>Realtime: the client cancelled the answer, or spoke over it.</summary>
    public const string Cancelled = "cancelled";
}
