using Microsoft.Extensions.Logging;

namespace MemoSync.Chat;

/// <summary>The chat middleware's log lines.</summary>
internal static partial class ChatLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "A chat call without a user id went on without memory and was not recorded; "
        + "give the user with ChatOptions.WithMemoSyncUser or MemoSyncChatClientOptions.UserId (said once)")]
    public static partial void NoUser(ILogger logger);
}
