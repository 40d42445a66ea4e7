using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary><c>/users/event</c>: recent events, search, update and delete.</summary>
internal static class EventEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/users/event/{user_id}", (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var topK = request.QueryInt("topk") ?? 10;
            var maxTokens = request.QueryInt("max_token_size");
            request.QueryBool("need_summary", false);
            if (request.Failed)
            {
                return request.Problem();
            }
            var events = WithinTokens(store.Events(userId).Take(topK), maxTokens);
            return Envelope.Ok(new UserEventsData(events), WireJson.Context.ApiEnvelopeUserEventsData);
        });

        api.MapGet("/users/event/search/{user_id}", (HttpContext http, EmulatorStore store, TimeProvider time) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var query = request.QueryRequired("query");
            var topK = request.QueryInt("topk") ?? 10;
            var threshold = request.QueryNumber("similarity_threshold") ?? 0.2;
            var days = request.QueryInt("time_range_in_days") ?? 180;
            if (request.Failed)
            {
                return request.Problem();
            }
            var since = time.GetUtcNow().AddDays(-days);
            var found = store.Events(userId)
                .Where(e => e.CreatedAt >= since)
                .Select(e => e with { Similarity = WordOverlap.Similarity(query, EventText(e)) })
                .Where(e => e.Similarity >= threshold)
                .OrderByDescending(e => e.Similarity)
                .Take(topK)
                .ToList();
            return Envelope.Ok(new UserEventsData(found), WireJson.Context.ApiEnvelopeUserEventsData);
        });

        api.MapPut("/users/event/{user_id}/{event_id}", async (HttpContext http, EmulatorStore store, CancellationToken ct) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var eventId = request.PathId("event_id");
            var body = await request.BodyAsync(ct);
            if (request.Failed)
            {
                return request.Problem();
            }
            var data = System.Text.Json.JsonSerializer.Deserialize(body, WireJson.Context.EventData) ?? new EventData();
            return store.UpdateEvent(userId, eventId, data) ? Envelope.Ok() : Envelope.Fail(404, $"Event {eventId} not found");
        });

        OwnedItemEndpoints.MapDelete(api, "/users/event/{user_id}/{event_id}", "event_id", "Event", (store, user, e) => store.DeleteEvent(user, e));
    }

    /// <summary>The text an event is searched and shown by: its tip and its profile changes.</summary>
    public static string EventText(UserEventData e) =>
        string.Join("\n", new[] { e.EventData?.EventTip }
            .Concat(e.EventData?.ProfileDelta?.Select(d => d.Content) ?? [])
            .Where(s => !string.IsNullOrEmpty(s)));

    public static List<UserEventData> WithinTokens(IEnumerable<UserEventData> events, int? maxTokens)
    {
        var kept = new List<UserEventData>();
        var tokens = 0;
        foreach (var e in events)
        {
            tokens += TokenEstimate.Of(EventText(e));
            if (maxTokens is { } max && tokens > max)
            {
                break;
            }
            kept.Add(e);
        }
        return kept;
    }
}
