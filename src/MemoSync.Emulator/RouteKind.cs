namespace MemoSync.Emulator;

/// <summary>
/// What a route is to the middleware in front of it. It rides on the endpoint, so authentication and fault injection
/// judge a request by the route routing chose for it, however the path was spelled (trailing slash, percent-encoding).
/// </summary>
internal sealed class RouteKind
{
    /// <summary>A Memobase API route: needs the token, takes faults.</summary>
    public static readonly RouteKind Api = new(needsToken: true, takesFaults: true);

    /// <summary><c>POST /blobs/insert/{user_id}</c>: an API route that also takes the faults only inserts get.</summary>
    public static readonly RouteKind BlobInsert = new(needsToken: true, takesFaults: true);

    /// <summary>The healthcheck: no token; it fails only during an outage.</summary>
    public static readonly RouteKind Healthcheck = new(needsToken: false, takesFaults: true);

    /// <summary>The emulator's own <c>/_emulator</c> routes: the token, never a fault.</summary>
    public static readonly RouteKind Admin = new(needsToken: true, takesFaults: false);

    /// <summary>Anything else (the scripted chat and realtime endpoints, the server's 404s outside <c>/api</c>).</summary>
    public static readonly RouteKind Other = new(needsToken: false, takesFaults: false);

    private RouteKind(bool needsToken, bool takesFaults)
    {
        NeedsToken = needsToken;
        TakesFaults = takesFaults;
    }

    public bool NeedsToken { get; }

    public bool TakesFaults { get; }

    /// <summary>The kind of the route that answers <paramref name="http"/>; for a request no route takes, the server's own rule.</summary>
    public static RouteKind Of(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<RouteKind>() ?? ByPath(http.Request.Path.Value ?? "");

    /// <summary>
    /// For unknown paths and wrong methods: the server's middleware runs before its routing and compares prefixes, case
    /// and all (api_layer/middleware.py, AuthMiddleware.dispatch), so <c>/api/v1/nothing</c> is 401 without a token.
    /// </summary>
    private static RouteKind ByPath(string path) =>
        path.StartsWith(EmulatorPaths.Healthcheck, StringComparison.Ordinal) ? Healthcheck
        : path.StartsWith("/api", StringComparison.Ordinal) ? Api
        : path.StartsWith(EmulatorPaths.Admin, StringComparison.Ordinal) ? Admin
        : Other;
}
