using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary><c>/users/buffer</c>: flush a buffer, and list its blobs by status.</summary>
internal static class BufferEndpoints
{
    private static readonly string[] Statuses = [BufferStatus.Idle, BufferStatus.Processing, BufferStatus.Failed, BufferStatus.Done];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/users/buffer/{user_id}/{buffer_type}", (HttpContext http, EmulatorStore store, BufferProcessor buffer) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var blobType = request.PathEnum("buffer_type", BlobType.All);
            var wait = request.QueryBool("wait_process", false);
            if (request.Failed)
            {
                return request.Problem();
            }
            IReadOnlyList<ChatModalResult>? results = [];
            if (store.BufferIds(userId, blobType, BufferStatus.Idle).Count > 0)
            {
                if (wait)
                {
                    results = buffer.Process(userId, blobType) is { } result ? [result] : [];
                }
                else
                {
                    buffer.ProcessInBackground(userId, blobType);
                    results = null;
                }
            }
            return Envelope.Ok(results, WireJson.Context.ApiEnvelopeIReadOnlyListChatModalResult);
        });

        api.MapGet("/users/buffer/capacity/{user_id}/{buffer_type}", (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var blobType = request.PathEnum("buffer_type", BlobType.All);
            var status = request.Literal(request.QueryString("status") ?? BufferStatus.Processing, Statuses, ["query", "status"]);
            if (request.Failed)
            {
                return request.Problem();
            }
            return Envelope.Ok(new IdsData(store.BufferIds(userId, blobType, status)), WireJson.Context.ApiEnvelopeIdsData);
        });
    }
}
