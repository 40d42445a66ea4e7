namespace MemoSync.Memobase.Errors;

/// <summary>DESIGN.md's error table in one place: every answer or failure maps to a <see cref="MemobaseErrorKind"/>.</summary>
internal static class ErrorClassifier
{
    /// <summary>FastAPI's <c>detail</c> for a path it does not serve.</summary>
    public const string NotFoundDetail = "Not Found";

    /// <summary>FastAPI's <c>detail</c> for a path it serves, but not with that method.</summary>
    public const string MethodNotAllowedDetail = "Method Not Allowed";

    /// <summary>
    /// A non-200 HTTP answer. <paramref name="fromServer"/> is true when the body is the server's JSON (FastAPI's
    /// <c>{"detail": ...}</c> or the envelope), whose <c>detail</c> is <paramref name="detail"/>. A 404 or 405 in
    /// another body (a proxy's text or HTML page) says nothing of Memobase: something in the way, maybe for a while.
    /// </summary>
    public static MemobaseErrorKind ForStatus(int status, bool fromServer, string? detail) => status switch
    {
        401 or 403 => MemobaseErrorKind.Configuration,
        404 or 405 when !fromServer => MemobaseErrorKind.Transient,
        404 when detail == NotFoundDetail => MemobaseErrorKind.Configuration,
        405 when detail == MethodNotAllowedDetail => MemobaseErrorKind.Configuration,
        408 or 429 or >= 500 => MemobaseErrorKind.Transient,
        _ => MemobaseErrorKind.Permanent,
    };

    /// <summary>An HTTP 200 envelope whose errno is not 0.</summary>
    public static MemobaseErrorKind ForErrno(int errno, string errmsg, bool isInsert) => errno switch
    {
        500 when isInsert && (errmsg.Contains("ForeignKeyViolation", StringComparison.Ordinal)
            || errmsg.Contains("is not present in table \"users\"", StringComparison.Ordinal)) => MemobaseErrorKind.MissingUser,
        404 when errmsg.StartsWith("User ", StringComparison.Ordinal) && errmsg.EndsWith(" not found", StringComparison.Ordinal)
            => MemobaseErrorKind.MissingUser,
        400 or 422 or 404 or 405 or 409 => MemobaseErrorKind.Permanent,
        401 or 403 => MemobaseErrorKind.Configuration,
        _ => MemobaseErrorKind.Transient,
    };
}
