using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary><c>/users</c>: create, read, update and delete users.</summary>
internal static class UserEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/users", async (HttpContext http, EmulatorStore store, CancellationToken ct) =>
        {
            var request = new FastApiRequest(http);
            var body = await request.BodyAsync(ct);
            var data = request.OptionalObject(body, "data");
            var idText = request.StringField(body, "id", required: false);
            var id = idText is null ? Guid.NewGuid() : request.Uuid(idText, ["body", "id"]);
            if (request.Failed)
            {
                return request.Problem();
            }
            return store.TryCreateUser(id, data?.DeepClone().AsObject())
                ? Envelope.Ok(new IdData(id), WireJson.Context.ApiEnvelopeIdData)
                : Envelope.Unknown($"duplicate key value violates unique constraint \"users_pkey\"\nDETAIL:  Key (id)=({id}) already exists.");
        });

        api.MapGet("/users/{user_id}", (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var id = request.PathId("user_id");
            if (request.Failed)
            {
                return request.Problem();
            }
            var user = store.GetUser(id);
            return user is null ? Envelope.UserNotFound(id) : Envelope.Ok(user, WireJson.Context.ApiEnvelopeUserData);
        });

        api.MapPut("/users/{user_id}", async (HttpContext http, EmulatorStore store, CancellationToken ct) =>
        {
            var request = new FastApiRequest(http);
            var id = request.PathId("user_id");
            var body = await request.BodyAsync(ct);
            if (request.Failed)
            {
                return request.Problem();
            }
            return store.UpdateUser(id, body)
                ? Envelope.Ok(new IdData(id), WireJson.Context.ApiEnvelopeIdData)
                : Envelope.UserNotFound(id);
        });

        api.MapDelete("/users/{user_id}", (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var id = request.PathId("user_id");
            if (request.Failed)
            {
                return request.Problem();
            }
            return store.DeleteUser(id) ? Envelope.Ok() : Envelope.UserNotFound(id);
        });
    }
}
