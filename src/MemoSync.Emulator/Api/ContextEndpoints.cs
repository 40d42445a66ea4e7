using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary><c>/users/context</c>: the prompt section built from profiles and events, in the server's layout.</summary>
internal static class ContextEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/users/context/{user_id}", (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var maxTokens = request.QueryInt("max_token_size") ?? 1000;
            var ratio = request.QueryNumber("profile_event_ratio") ?? 0.6;
            request.QueryBool("require_event_summary", false);
            var threshold = request.QueryNumber("event_similarity_threshold") ?? 0.2;
            request.QueryInt("time_range_in_days");
            var template = request.QueryString("customize_context_prompt");
            request.QueryBool("full_profile_and_only_search_event", true);
            var fillWindow = request.QueryBool("fill_window_with_events", false);
            var profileBudget = (int)(maxTokens * ratio);
            var selection = ProfileEndpoints.ReadSelection(request, null, profileBudget, out var chats, out var jsonError);
            if (request.Failed)
            {
                return request.Problem();
            }
            if (jsonError is not null)
            {
                return Envelope.Fail(400, $"Invalid JSON: {jsonError}");
            }
            if (ratio is <= 0 or > 1)
            {
                return Envelope.Unknown("profile_event_ratio must be between 0 and 1");
            }

            var profiles = profileBudget > 0 ? selection.Apply(store.Profiles(userId)) : [];
            var profileSection = profiles.Count == 0 ? "" :
                "- " + string.Join("\n- ", profiles.Select(p => $"{p.Attributes?.Topic}::{p.Attributes?.SubTopic}: {p.Content}"));
            var profileTokens = TokenEstimate.Of(profileSection);
            var eventBudget = fillWindow ? maxTokens - profileTokens : Math.Min(maxTokens - profileTokens, maxTokens - profileBudget);

            var events = store.Events(userId).AsEnumerable();
            if (chats.Count > 0 && RecentChats(chats) is { Length: > 0 } recent)
            {
                events = events.Where(e => WordOverlap.Similarity(recent, EventContextLine(e)) >= threshold);
            }
            var eventSection = eventBudget <= 0 ? "" :
                string.Join("\n", EventEndpoints.WithinTokens(events.Take(60), eventBudget).Select(EventContextLine));
            var context = template is null
                ? DefaultLayout(profileSection, eventSection)
                : template.Replace("{profile_section}", profileSection, StringComparison.Ordinal)
                    .Replace("{event_section}", eventSection, StringComparison.Ordinal);
            return Envelope.Ok(new ContextData(context), WireJson.Context.ApiEnvelopeContextData);
        });
    }

    private static string EventContextLine(UserEventData e) => $"[{e.CreatedAt:yyyy/MM/dd}] {EventEndpoints.EventText(e)}";

    /// <summary>The last three messages of <c>chats_str</c>, which the server searches events with.</summary>
    private static string RecentChats(IReadOnlyList<ChatMessage> chats) => string.Join("\n", chats.TakeLast(3).Select(m => m.Content));

    private static string DefaultLayout(string profileSection, string eventSection) => $"""
        ---
        # Memory
        Unless the user has relevant queries, do not actively mention those memories in the conversation.
        ## User Current Profile:
        {profileSection}

        ## Past Events:
        {eventSection}
        ---

        """;
}
