namespace MemoSync.Memobase.Errors;

/// <summary>DESIGN.md's error table in one place: every answer or failure maps to a <see cref="MemobaseErrorKind"/>.</summary>
internal static class ErrorClassifier
{
    /// <summary>A non-200 HTTP answer. <paramref name="notFoundRoot"/> is FastAPI's 404 for a path it does not serve.</summary>
    public static MemobaseErrorKind ForStatus(int status, bool notFoundRoot) => status switch
    {
        401 or 403 => MemobaseErrorKind.Configuration,
        404 when notFoundRoot => MemobaseErrorKind.Configuration,
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
