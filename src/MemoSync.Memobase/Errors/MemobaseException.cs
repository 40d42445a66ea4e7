namespace MemoSync.Memobase.Errors;

/// <summary>
/// Any failure of a Memobase call: what the server answered (or that it did not) and its
/// <see cref="Kind"/>, from which a caller can decide alone what to do. Never carries the token.
/// </summary>
public sealed class MemobaseException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> must already be free of secrets.</summary>
    public MemobaseException(string operation, MemobaseErrorKind kind, string message, int? httpStatus = null, int? errno = null,
        string? errmsg = null, TimeSpan? retryAfter = null, Exception? inner = null, bool outcomeUnknown = false)
        : base(message, inner)
    {
        Operation = operation;
        Kind = kind;
        HttpStatus = httpStatus;
        Errno = errno;
        Errmsg = errmsg ?? "";
        RetryAfter = retryAfter;
        OutcomeUnknown = outcomeUnknown;
    }

    /// <summary>The call that failed, e.g. <c>insert blob</c>.</summary>
    public string Operation { get; }

    /// <summary>What the failure means: retry, create the user, fix the configuration, or give up.</summary>
    public MemobaseErrorKind Kind { get; }

    /// <summary>The HTTP status, or <c>null</c> when no answer came (refused, reset, timed out).</summary>
    public int? HttpStatus { get; }

    /// <summary>The envelope's <c>errno</c>, when there was an envelope.</summary>
    public int? Errno { get; }

    /// <summary>The server's message (the envelope's <c>errmsg</c> or FastAPI's <c>detail</c>), token removed.</summary>
    public string Errmsg { get; }

    /// <summary>How long the server asked to wait (<c>Retry-After</c>), if it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// True when the request may have reached the server but no answer came back: the timeout fired after it
    /// was sent, the connection was reset or closed after it was written, or the answer was cut while being read.
    /// An insert that failed so may have been stored: inserting it again may store it twice. False when nothing
    /// was sent (connection refused, name not resolved) or an answer came.
    /// </summary>
    public bool OutcomeUnknown { get; }

    /// <summary>True for errno 503, the project's token quota: retry, but only after a long wait.</summary>
    public bool IsQuotaExhausted => Errno == 503;
}
