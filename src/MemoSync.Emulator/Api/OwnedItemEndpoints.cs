using MemoSync.Emulator.Storage;

namespace MemoSync.Emulator.Api;

/// <summary>The DELETE every item a user owns has (blob, profile, event): 422 for bad ids, errno 404 when absent.</summary>
internal static class OwnedItemEndpoints
{
    public static void MapDelete(RouteGroupBuilder api, string pattern, string idName, string noun, Func<EmulatorStore, Guid, Guid, bool> delete) =>
        api.MapDelete(pattern, (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var itemId = request.PathId(idName);
            if (request.Failed)
            {
                return request.Problem();
            }
            return delete(store, userId, itemId) ? Envelope.Ok() : Envelope.Fail(404, $"{noun} {itemId} not found");
        });
}
