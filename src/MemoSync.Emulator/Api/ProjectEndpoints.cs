using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary><c>/project/profile_config</c>: the project's profile configuration (YAML text).</summary>
internal static class ProjectEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/project/profile_config", (EmulatorStore store) =>
            Envelope.Ok(new ProfileConfigData(store.ProfileConfig()), WireJson.Context.ApiEnvelopeProfileConfigData));

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
            store.SetProfileConfig(config);
            return Envelope.Ok();
        });
    }
}
