using System.Text.Json.Nodes;
using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary><c>/users/event</c>: recent events, search, update and delete.</summary>
internal static class EventEndpoints
{
    private const int ListedDays = 21;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/users/event/{user_id}", (HttpContext http, EmulatorStore store, TimeProvider time) =>
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
            // controllers/event.py get_user_events: only the last 21 days (time_range_in_days, not a query parameter here).
            var since = time.GetUtcNow().AddDays(-ListedDays);
            var events = WithinTokens(store.Events(userId).Where(e => e.CreatedAt > since).Take(topK), maxTokens);
            return Envelope.Ok(new UserEventsData(events), WireJson.Context.ApiEnvelopeUserEventsData);
        });

        api.MapGet("/users/event/search/{user_id}", (HttpContext http, EmulatorStore store, TimeProvider time) =>
            Search(http, time, userId => store.Events(userId).Select(e => new Found<UserEventData>(e, EventText(e), e.CreatedAt)),
                found => Envelope.Ok(new UserEventsData(found.Select(f => f.Item with { Similarity = f.Similarity }).ToList()),
                    WireJson.Context.ApiEnvelopeUserEventsData)));

        // Gists are the "- ..." lines of event tips; the server answers them under "gists", with "events" empty.
        api.MapGet("/users/event_gist/search/{user_id}", (HttpContext http, EmulatorStore store, TimeProvider time) =>
            Search(http, time, userId => store.Gists(userId).Select(g => new Found<EventGist>(g, g.Content, g.CreatedAt)),
                found => Envelope.Ok<JsonNode>(new JsonObject
                {
                    ["gists"] = new JsonArray([.. found.Select(f => (JsonNode)f.Item.ToJson(f.Similarity))]),
                    ["events"] = new JsonArray(),
                }, WireJson.Context.ApiEnvelopeJsonNode)));

        // api_layer/event.py search_user_events_by_tags, controllers/event.py filter_user_events: every tag named in
        // "tags" present, every "tag=value" pair of "tag_values" present with that value; newest first, at most topk.
        api.MapGet("/users/event_tags/search/{user_id}", (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var names = Split(request.QueryString("tags")).ToList();
            var pairs = Split(request.QueryString("tag_values")).Where(p => p.Contains('=', StringComparison.Ordinal))
                .Select(p => p.Split('=', 2)).Select(p => (Tag: p[0].Trim(), Value: p[1].Trim())).ToList();
            var topK = request.QueryInt("topk") ?? 10;
            if (request.Failed)
            {
                return request.Problem();
            }
            var found = store.Events(userId).Where(e =>
                (names.Count == 0 && pairs.Count == 0)
                || (e.EventData?.EventTags is { } tags
                    && names.All(n => tags.Any(t => t.Tag == n))
                    && pairs.All(p => tags.Any(t => t.Tag == p.Tag && t.Value == p.Value))));
            return Envelope.Ok(new UserEventsData(found.Take(topK).ToList()), WireJson.Context.ApiEnvelopeUserEventsData);
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
            var update = System.Text.Json.JsonSerializer.Deserialize(body, WireJson.Context.EventData) ?? new EventData();
            if (store.Event(userId, eventId) is not { } current)
            {
                return Envelope.Fail(404, EventNotFound(userId, eventId));
            }
            // controllers/event.py update_user_event: only the fields given (not null) replace the stored ones.
            var old = current.EventData ?? new EventData();
            store.UpdateEvent(userId, eventId, new EventData(update.ProfileDelta ?? old.ProfileDelta, update.EventTip ?? old.EventTip, update.EventTags ?? old.EventTags));
            return Envelope.Ok();
        });

        OwnedItemEndpoints.MapDelete(api, "/users/event/{user_id}/{event_id}", "event_id", (store, user, e) => store.DeleteEvent(user, e), EventNotFound);
    }

    /// <summary>An item a search may find: its text and when it was made; then its similarity to the query.</summary>
    private sealed record Found<T>(T Item, string Text, DateTimeOffset? CreatedAt, double Similarity = 0);

    /// <summary>
    /// The search both event searches share (controllers/event.py search_user_events, event_gist.py): within
    /// <c>time_range_in_days</c>, similarity above the threshold (strictly), best first, at most <c>topk</c>. Word
    /// overlap stands in for the server's embeddings.
    /// </summary>
    private static IResult Search<T>(HttpContext http, TimeProvider time, Func<Guid, IEnumerable<Found<T>>> items, Func<List<Found<T>>, IResult> answer)
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
        return answer(items(userId)
            .Where(f => f.CreatedAt > since)
            .Select(f => f with { Similarity = WordOverlap.Similarity(query, f.Text) })
            .Where(f => f.Similarity > threshold)
            .OrderByDescending(f => f.Similarity)
            .Take(topK)
            .ToList());
    }

    private static IEnumerable<string> Split(string? commaSeparated) =>
        (commaSeparated ?? "").Split(',').Select(s => s.Trim()).Where(s => s.Length > 0);

    private static string EventNotFound(Guid _, Guid eventId) => $"User event {eventId} not found";

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
