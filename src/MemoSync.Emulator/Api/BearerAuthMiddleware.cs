using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary>
/// The server's authentication: every <c>/api</c> path but the healthcheck needs a Bearer token; the
/// root token is <see cref="EmulatorOptions.AccessToken"/>, any other is refused as a bad project token.
/// The emulator's admin paths need the same token. Which requests are guarded is the route's <see cref="RouteKind"/>.
/// The token is compared, never logged.
/// </summary>
internal sealed class BearerAuthMiddleware(RequestDelegate next, EmulatorOptions options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (!RouteKind.Of(http).NeedsToken)
        {
            await next(http);
            return;
        }
        var path = http.Request.Path.Value ?? "";
        var header = http.Request.Headers.Authorization.ToString();
        string? refusal = null;
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            refusal = $"Unauthorized access to {path}. You have to provide a valid Bearer token.";
        }
        else if (options.AccessToken is { } root && header["Bearer ".Length..].Trim() != root)
        {
            refusal = $"Unauthorized access to {path}. {ProjectTokenError(header["Bearer ".Length..].Trim())}";
        }
        if (refusal is null)
        {
            await next(http);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await http.Response.WriteAsJsonAsync(new ApiEnvelope<System.Text.Json.Nodes.JsonNode> { Errno = 401, Errmsg = refusal },
            WireJson.Context.ApiEnvelopeJsonNode);
    }

    /// <summary>
    /// What the server says of a token that is not the root token and so is read as a project token
    /// (api_layer/middleware.py parse_project_token, which replaces auth/token.py's "Invalid secret key").
    /// </summary>
    private static string ProjectTokenError(string token) =>
        token.StartsWith("sk-", StringComparison.Ordinal) && token[3..].Contains('-', StringComparison.Ordinal)
            ? "Your project is not exists!"
            : "Invalid project id format";
}
