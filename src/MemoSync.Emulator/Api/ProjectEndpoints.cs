using System.Text.Json.Nodes;
using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary><c>/project</c>: the profile configuration (YAML text), the users and the daily usage.</summary>
internal static class ProjectEndpoints
{
    private const int MaxProfileConfigLength = 65535;

    private static readonly string[] UserOrders = ["updated_at", "profile_count", "event_count"];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/project/users", (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var search = request.QueryString("search") ?? "";
            var orderBy = request.Literal(request.QueryString("order_by") ?? UserOrders[0], UserOrders, ["query", "order_by"]);
            var descending = request.QueryBool("order_desc", true);
            var limit = request.QueryInt("limit") ?? 10;
            var offset = request.QueryInt("offset") ?? 0;
            if (request.Failed)
            {
                return request.Problem();
            }
            var (users, count) = store.ProjectUsers(search, orderBy, descending, limit, offset);
            return Envelope.Ok<JsonNode>(new JsonObject { ["users"] = users, ["count"] = count }, WireJson.Context.ApiEnvelopeJsonNode);
        });

        api.MapGet("/project/usage", (HttpContext http, InsertUsage usage) =>
        {
            var request = new FastApiRequest(http);
            var days = request.QueryInt("last_days") ?? 7;
            return request.Failed ? request.Problem() : Envelope.Ok<JsonNode>(usage.LastDays(days), WireJson.Context.ApiEnvelopeJsonNode);
        });

        api.MapGet("/project/profile_config", (EmulatorStore store) =>
            Envelope.Ok(new ProfileConfigData(store.ProfileConfig() ?? ""), WireJson.Context.ApiEnvelopeProfileConfigData));

        api.MapPost("/project/profile_config", async (HttpContext http, EmulatorStore store, CancellationToken ct) =>
        {
            var request = new FastApiRequest(http);
            var body = await request.BodyAsync(ct);
            if (!request.Failed && !body.ContainsKey("profile_config"))
            {
                request.Error("missing", ["body", "profile_config"], "Field required", body.DeepClone());
            }
            var config = request.StringField(body, "profile_config", required: false);
            if (request.Failed)
            {
                return request.Problem();
            }
            // utils.py is_valid_profile_config: the length is checked; the YAML is not parsed here.
            if (config is { Length: > MaxProfileConfigLength })
            {
                return Envelope.Fail(400, "Profile config is too long");
            }
            store.SetProfileConfig(config);
            return Envelope.Ok();
        });
    }
}
