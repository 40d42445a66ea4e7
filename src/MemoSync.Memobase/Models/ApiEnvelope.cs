namespace MemoSync.Memobase.Models;

/// <summary>
/// The envelope around every JSON answer of the Memobase API: <c>{"data": ..., "errno": 0, "errmsg": ""}</c>.
/// Application errors arrive as HTTP 200 with a non-zero <see cref="Errno"/>.
/// </summary>
/// <typeparam name="T">The type of the payload.</typeparam>
public sealed record ApiEnvelope<T>
{
    /// <summary>The payload; <c>null</c> on errors and on answers without data.</summary>
    public T? Data { get; init; }

    /// <summary>0 on success, otherwise the server's error code (400, 404, 500, 503, ...).</summary>
    public int Errno { get; init; }

    /// <summary>Empty on success, otherwise the server's error message; empty too when the answer has none.</summary>
    // The source-generated reader sets an init-only property it does not find to null, past the initializer.
    public string Errmsg { get; init => field = value ?? ""; } = "";
}
