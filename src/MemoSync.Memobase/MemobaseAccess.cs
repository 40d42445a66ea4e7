using MemoSync.Memobase.Errors;

namespace MemoSync.Memobase;

/// <summary>Whether Memobase can be used with a client's settings: the one check behind <c>memosync health</c> and the health checks.</summary>
public static class MemobaseAccess
{
    /// <summary>Returns when Memobase answers and accepts the client's token.</summary>
    /// <exception cref="MemobaseException">It does not: <see cref="MemobaseErrorKind.Configuration"/> for a refused token or a URL that is not Memobase.</exception>
    public static async Task CheckAccessAsync(this IMemobaseClient client, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        await client.HealthCheckAsync(ct);
        // The healthcheck takes no token: an authenticated call tells whether the token is accepted.
        await client.GetProfileConfigAsync(ct);
    }
}
