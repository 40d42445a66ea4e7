using Microsoft.Extensions.Logging;

namespace MemoSync.Dashboard;

/// <summary>What the dashboard logs: the actions people take and the requests it refuses; never a token.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Dashboard: requeued turn {TurnId}")]
    public static partial void RequeuedTurn(ILogger logger, Guid turnId);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Dashboard: requeued {Count} dead turns of {Whose}")]
    public static partial void RequeuedDead(ILogger logger, int count, string whose);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Dashboard: refused {Method} {Path} from {Remote}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, System.Net.IPAddress? remote, string reason);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "Dashboard: signed in from {Remote}")]
    public static partial void SignedIn(ILogger logger, System.Net.IPAddress? remote);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Error, Message = "Dashboard: {Method} {Path} failed")]
    public static partial void Failed(ILogger logger, string method, string path, Exception exception);
}
