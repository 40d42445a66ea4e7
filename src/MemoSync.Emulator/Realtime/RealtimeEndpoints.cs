using MemoSync.Emulator.Admin;
using MemoSync.Emulator.Chat;

namespace MemoSync.Emulator.Realtime;

/// <summary>
/// The scripted realtime endpoint, <c>/v1/realtime?model=NAME</c> (a WebSocket speaking the OpenAI Realtime beta protocol),
/// answering from the scripted chat's settings, and its admin paths under <c>/_emulator/realtime</c>: the responses given.
/// Any API key is accepted and none is recorded.
/// </summary>
internal static class RealtimeEndpoints
{
    public const string Path = "/v1/realtime";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map(Path, SessionAsync);
        var admin = AdminEndpoints.Group(app, "/realtime");
        admin.MapGet("/responses", (ReceivedLog<ReceivedRealtimeResponse> log) =>
            Results.Json(log.Snapshot(), EmulatorJsonContext.Default.IReadOnlyListReceivedRealtimeResponse));
        admin.MapPost("/responses/reset", (ReceivedLog<ReceivedRealtimeResponse> log) =>
        {
            log.Clear();
            return Results.NoContent();
        });
    }

    private static async Task SessionAsync(HttpContext http, ScriptedChat chat, ReceivedLog<ReceivedRealtimeResponse> log, TimeProvider time)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            await http.Response.WriteAsync("This is a realtime WebSocket endpoint: connect with ws://.../v1/realtime?model=NAME", http.RequestAborted);
            return;
        }
        var model = http.Request.Query["model"].FirstOrDefault() is { Length: > 0 } m ? m : "scripted-realtime";
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var session = new ScriptedRealtimeSession(socket, http.Abort, chat, log, time, model);
        await session.RunAsync(http.RequestAborted);
    }
}
