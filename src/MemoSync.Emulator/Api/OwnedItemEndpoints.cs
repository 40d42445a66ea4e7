using MemoSync.Emulator.Storage;

namespace MemoSync.Emulator.Api;

/// <summary>The DELETE every item a user owns has (blob, profile, event): 422 for bad ids, then the server's answer when absent.</summary>
internal static class OwnedItemEndpoints
{
    /// <summary>Maps DELETE <paramref name="pattern"/>; <paramref name="notFound"/> is the errno 404 message for an absent item
    /// (from the user id and the item id), null where the server answers success anyway.</summary>
    public static void MapDelete(RouteGroupBuilder api, string pattern, string idName, Func<EmulatorStore, Guid, Guid, bool> delete,
        Func<Guid, Guid, string>? notFound) =>
        api.MapDelete(pattern, (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var itemId = request.PathId(idName);
            if (request.Failed)
            {
                return request.Problem();
            }
            return delete(store, userId, itemId) || notFound is null ? Envelope.Ok() : Envelope.Fail(404, notFound(userId, itemId));
        });
}
