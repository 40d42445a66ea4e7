namespace MemoSync.Memobase.Errors;

/// <summary>What a failure means for whoever delivers turns: the classification of DESIGN.md's error table.</summary>
public enum MemobaseErrorKind
{
    /// <summary>
    /// Connection refused or reset, a timeout, HTTP 5xx, 408 or 429, errno 503, an unknown errno, a 404 or 405 that
    /// is not the server's JSON (a proxy), or an HTTP 200 that is not the answer the call expects: retry with backoff.
    /// </summary>
    Transient,

    /// <summary>The user does not exist (an insert for an unknown user): create the user, then retry.</summary>
    MissingUser,

    /// <summary>HTTP 401/403, or FastAPI's 404 or 405 for a path it does not serve so: the URL or the token is wrong; pause and say why.</summary>
    Configuration,

    /// <summary>HTTP 422, errno 400/422: the request itself is refused; retrying never helps.</summary>
    Permanent,
}
