using System.Globalization;

namespace MemoSync.Emulator.Api;

/// <summary>
/// The header the server's global middleware adds to every answer it wraps (api_layer/middleware.py,
/// global_wrapper_middleware): <c>X-Process-Time</c>, the seconds spent. Its authentication refusals are answered
/// outside that middleware and have none, so this runs after <see cref="BearerAuthMiddleware"/>.
/// </summary>
internal sealed class ProcessTimeMiddleware(RequestDelegate next, TimeProvider time)
{
    public const string Header = "X-Process-Time";

    public Task InvokeAsync(HttpContext http)
    {
        var start = time.GetTimestamp();
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[Header] = time.GetElapsedTime(start).TotalSeconds.ToString("R", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return next(http);
    }
}
