using Microsoft.Extensions.Logging;

namespace MemoSync.Memory;

/// <summary>The memory provider's log lines: an outage is said once when it starts and once when it ends, not once per turn.</summary>
internal static partial class MemoryLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Memobase memory is unavailable ({Reason}); the conversation goes on without it")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Memobase memory is available again")]
    public static partial void Available(ILogger logger);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Flushing the buffer of user {UserId} at session end failed ({Reason}); it is processed later by Memobase")]
    public static partial void FlushFailed(ILogger logger, string userId, string reason);
}
