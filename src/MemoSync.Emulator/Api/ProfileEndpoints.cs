using System.Text.Json;
using System.Text.Json.Nodes;
using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary><c>/users/profile</c>: read (with the server's filters), add, update and delete profiles.</summary>
internal static class ProfileEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/users/profile/{user_id}", (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var selection = ReadSelection(request, request.QueryInt("topk"), request.QueryInt("max_token_size"), out _, out var jsonError);
            if (request.Failed)
            {
                return request.Problem();
            }
            if (jsonError is not null)
            {
                return Envelope.Fail(400, $"Invalid JSON requests: {jsonError}");
            }
            return Envelope.Ok(new UserProfilesData(selection.Apply(store.Profiles(userId))), WireJson.Context.ApiEnvelopeUserProfilesData);
        });

        api.MapPost("/users/profile/{user_id}", async (HttpContext http, EmulatorStore store, CancellationToken ct) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var delta = ReadDelta(request, await request.BodyAsync(ct));
            if (request.Failed)
            {
                return request.Problem();
            }
            var id = store.AddProfile(userId, delta);
            return id is null
                ? Envelope.Unknown(Envelope.ForeignKeyViolation("user_profiles", userId))
                : Envelope.Ok(new IdData(id.Value), WireJson.Context.ApiEnvelopeIdData);
        });

        // api_layer/profile.py import_user_context: flush, insert the context as what the user said, flush again.
        api.MapPost("/users/profile/import/{user_id}", async (HttpContext http, EmulatorStore store, BufferProcessor buffer, CancellationToken ct) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var context = request.StringField(await request.BodyAsync(ct), "context", required: true);
            if (request.Failed)
            {
                return request.Problem();
            }
            buffer.Process(userId, BlobType.Chat);
            var said = $"Below is my information, please remember them:\n{context}\n";
            var blob = new JsonObject
            {
                ["messages"] = new JsonArray(new JsonObject { ["role"] = ChatMessage.UserRole, ["content"] = said }),
            };
            if (!store.TryInsertBlob(userId, Guid.NewGuid(), BlobType.Chat, blob, null, ChatBlobParser.Parse(blob).Tokens))
            {
                return Envelope.Unknown(Envelope.ForeignKeyViolation("general_blobs", userId));
            }
            buffer.Process(userId, BlobType.Chat);
            return Envelope.Ok();
        });

        api.MapPut("/users/profile/{user_id}/{profile_id}", async (HttpContext http, EmulatorStore store, CancellationToken ct) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var profileId = request.PathId("profile_id");
            var delta = ReadDelta(request, await request.BodyAsync(ct));
            if (request.Failed)
            {
                return request.Problem();
            }
            // controllers/profile.py update_user_profiles logs an absent profile and answers success.
            store.UpdateProfile(userId, profileId, delta);
            return Envelope.Ok();
        });

        OwnedItemEndpoints.MapDelete(api, "/users/profile/{user_id}/{profile_id}", "profile_id",
            (store, user, profile) => store.DeleteProfile(user, profile), (user, profile) => $"Profile {profile} not found for user {user}");
    }

    /// <summary>
    /// The filter parameters shared by the profile and context endpoints, and the recent <paramref name="chats"/>. The two
    /// JSON parameters are parsed together, as the server does (api_layer/profile.py, context.py): either one invalid
    /// gives <paramref name="jsonError"/>, which the server answers with errno 400.
    /// </summary>
    public static ProfileSelection ReadSelection(FastApiRequest request, int? topK, int? maxTokenSize,
        out IReadOnlyList<ChatMessage> chats, out string? jsonError)
    {
        jsonError = null;
        var limits = new Dictionary<string, int>();
        chats = [];
        try
        {
            limits = JsonSerializer.Deserialize(request.QueryString("topic_limits_json") ?? "{}", WireJson.Context.DictionaryStringInt32) ?? [];
            chats = JsonSerializer.Deserialize(request.QueryString("chats_str") ?? "[]", WireJson.Context.IReadOnlyListChatMessage) ?? [];
        }
        catch (JsonException e)
        {
            jsonError = e.Message;
        }
        return new ProfileSelection(request.QueryList("prefer_topics"), request.QueryList("only_topics"),
            request.QueryInt("max_subtopic_size"), limits, topK, maxTokenSize);
    }

    private static ProfileDelta ReadDelta(FastApiRequest request, JsonObject body)
    {
        var content = request.StringField(body, "content", required: true) ?? "";
        if (!body.ContainsKey("attributes"))
        {
            request.Error("missing", ["body", "attributes"], "Field required", body.DeepClone());
        }
        var attributes = request.OptionalObject(body, "attributes");
        return new ProfileDelta(content, attributes is null
            ? null
            : new ProfileAttributes((string?)attributes["topic"] ?? "", (string?)attributes["sub_topic"] ?? ""));
    }
}
