using MemoSync.Memobase.Errors;
using Microsoft.Extensions.Logging;

namespace MemoSync.Memobase;

/// <summary>The client's log lines; none of them can carry the token.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Memobase {Operation} answered in {ElapsedMs} ms")]
    public static partial void Answered(ILogger logger, string operation, long elapsedMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Memobase {Operation} failed ({Kind}): HTTP {Status}, errno {Errno}: {Errmsg}")]
    public static partial void Failed(ILogger logger, string operation, MemobaseErrorKind kind, int? status, int? errno, string errmsg);

    /// <summary>A failure with no answer to quote (refused, reset, timed out): the reason is the whole story.</summary>
    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "{Reason} ({Kind})")]
    public static partial void NoAnswer(ILogger logger, string reason, MemobaseErrorKind kind);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Memobase {Operation}: no such user yet (a delivery creates it)")]
    public static partial void NoSuchUser(ILogger logger, string operation);
}
