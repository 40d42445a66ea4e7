namespace MemoSync.Emulator.Api;

/// <summary>
/// Starlette's <c>redirect_slashes</c>: a Memobase path with a trailing slash is answered 307 to the same URL
/// without it, after authentication (the server's router does it, inside its middleware). ASP.NET Core routing
/// would serve such a path directly.
/// </summary>
internal sealed class TrailingSlashRedirect(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var kind = http.GetEndpoint()?.Metadata.GetMetadata<RouteKind>();
        if (path.Length > 1 && path.EndsWith('/') && kind is not null && kind != RouteKind.Admin)
        {
            var request = http.Request;
            var target = $"{request.Scheme}://{request.Host}{request.PathBase}{path.TrimEnd('/')}{request.QueryString}";
            return Results.Redirect(target, permanent: false, preserveMethod: true).ExecuteAsync(http);
        }
        return next(http);
    }
}
