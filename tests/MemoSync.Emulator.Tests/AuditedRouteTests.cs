using System.Text.Json.Nodes;
using MemoSync.Emulator.Api;
using Microsoft.Extensions.Time.Testing;

namespace MemoSync.Emulator.Tests;

/// <summary>
/// Each route's answers read from the server's source (spec/README.md names the file and line of each): what an absent
/// item gives, what a flush leaves behind, the header every wrapped answer carries, and the routes the SDKs call.
/// </summary>
public class AuditedRouteTests : RawApiTest
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero));

    protected override void Configure(EmulatorOptions options) => options.TimeProvider = _clock;

    private static void AssertFailure(JsonNode? body, int errno, string errmsg)
    {
        Assert.Equal(errno, (int)body!["errno"]!);
        Assert.Equal(errmsg, (string)body["errmsg"]!);
    }

    private async Task<string> Insert(string user, string content) =>
        (string)(await Send(HttpMethod.Post, $"blobs/insert/{user}", Chat(content))).Body!["data"]!["id"]!;

    private async Task<JsonArray> Ids(string path) => (await Send(HttpMethod.Get, path)).Body!["data"]!["ids"]!.AsArray();

    [Fact]
    public async Task A_buffered_blob_is_found_by_id_and_once_its_buffer_is_processed_it_is_gone()
    {
        var user = await CreateUser();
        var blob = await Insert(user, "I play tennis");
        Assert.Equal(0, (int)(await Send(HttpMethod.Get, $"blobs/{user}/{blob}")).Body!["errno"]!);
        Assert.Equal(blob, (string)(await Ids($"users/buffer/capacity/{user}/chat?status=idle")).Single()!);

        await Send(HttpMethod.Post, $"users/buffer/{user}/chat?wait_process=true");

        AssertFailure((await Send(HttpMethod.Get, $"blobs/{user}/{blob}")).Body, 404, $"Blob with id {blob} of user {user} not found");
        Assert.Empty(await Ids($"users/blobs/{user}/chat"));
        Assert.Equal(blob, (string)(await Ids($"users/buffer/capacity/{user}/chat?status=done")).Single()!);
        Assert.Empty(await Ids($"users/buffer/capacity/{user}/chat?status=idle"));
    }

    [Theory]
    [InlineData("""{"blob_type":"image","blob_data":{"url":"x"}}""", 500, "Error inserting blob: ImageBlob not implemented yet.")]
    [InlineData("""{"blob_type":"transcript","blob_data":{"transcripts":[]}}""", 500, "Error inserting blob: TranscriptBlob not implemented yet.")]
    [InlineData("""{"blob_type":"code","blob_data":{"content":"x"}}""", 500, "Error inserting blob: 'NoneType' object has no attribute 'type'")]
    [InlineData("""{"blob_type":"doc","blob_data":{"text":"x"}}""", 400, "Unable to parse blob: content: Field required")]
    [InlineData("""{"blob_type":"summary","blob_data":{}}""", 400, "Unable to parse blob: summary: Field required")]
    public async Task Blob_types_the_server_cannot_store_are_refused_as_it_refuses_them(string blob, int errno, string errmsg)
    {
        var user = await CreateUser();
        AssertFailure((await Send(HttpMethod.Post, $"blobs/insert/{user}", blob)).Body, errno, errmsg);
        Assert.Equal(0, (int)(await Send(HttpMethod.Post, $"blobs/insert/{user}", """{"blob_type":"doc","blob_data":{"content":"x"}}""")).Body!["errno"]!);
    }

    [Fact]
    public async Task An_absent_user_is_errno_404_for_update_and_delete_and_has_no_blobs()
    {
        var id = Guid.NewGuid();
        AssertFailure((await Send(HttpMethod.Put, $"users/{id}", "{}")).Body, 404, $"User {id} not found");
        AssertFailure((await Send(HttpMethod.Delete, $"users/{id}")).Body, 404, $"User {id} not found");
        Assert.Empty(await Ids($"users/blobs/{id}/chat"));
    }

    [Fact]
    public async Task A_profile_config_longer_than_65535_characters_is_errno_400()
    {
        var longest = new JsonObject { ["profile_config"] = new string('#', 65535) }.ToJsonString();
        var tooLong = new JsonObject { ["profile_config"] = new string('#', 65536) }.ToJsonString();
        AssertFailure((await Send(HttpMethod.Post, "project/profile_config", tooLong)).Body, 400, "Profile config is too long");
        Assert.Equal(0, (int)(await Send(HttpMethod.Post, "project/profile_config", longest)).Body!["errno"]!);
    }

    [Theory]
    [InlineData("GET", "admin/status_check")]
    [InlineData("GET", "project/billing")]
    [InlineData("POST", "users/roleplay/proactive/{user}")]
    public async Task Routes_that_need_an_LLM_or_a_cloud_project_are_not_served(string method, string path)
    {
        var user = await CreateUser();
        var (status, body, _) = await Send(new HttpMethod(method), path.Replace("{user}", user, StringComparison.Ordinal), method == "POST" ? "{}" : null);
        Assert.Equal((404, "Not Found"), (status, (string?)body!["detail"]));
    }

    [Fact]
    public async Task Importing_a_context_processes_it_as_something_the_user_said_after_what_was_buffered()
    {
        var user = await CreateUser();
        await Insert(user, "I play tennis");

        Assert.Equal(0, (int)(await Send(HttpMethod.Post, $"users/profile/import/{user}", """{"context":"I live in Lyon"}""")).Body!["errno"]!);

        var events = (await Send(HttpMethod.Get, $"users/event/{user}")).Body!["data"]!["events"]!.AsArray();
        Assert.Equal(2, events.Count);
        Assert.Contains("I live in Lyon", (string)events[0]!["event_data"]!["event_tip"]!, StringComparison.Ordinal);
        Assert.Equal("- I play tennis", (string)events[1]!["event_data"]!["event_tip"]!);
        Assert.Empty(await Ids($"users/buffer/capacity/{user}/chat?status=idle"));
        Assert.Equal(422, (await Send(HttpMethod.Post, $"users/profile/import/{user}", "{}")).Status);
        Assert.Equal(500, (int)(await Send(HttpMethod.Post, $"users/profile/import/{Guid.NewGuid()}", """{"context":"x"}""")).Body!["errno"]!);
    }

    [Fact]
    public async Task Events_are_found_by_the_tags_they_have_and_by_tag_values()
    {
        var user = await CreateUser();
        foreach (var said in new[] { "one", "two", "three" })
        {
            await Insert(user, said);
            await Send(HttpMethod.Post, $"users/buffer/{user}/chat?wait_process=true");
        }
        var ids = (await Send(HttpMethod.Get, $"users/event/{user}")).Body!["data"]!["events"]!.AsArray().Select(e => (string)e!["id"]!).ToList();
        await Send(HttpMethod.Put, $"users/event/{user}/{ids[0]}", """{"event_tags":[{"tag":"mood","value":"happy"},{"tag":"topic","value":"work"}]}""");
        await Send(HttpMethod.Put, $"users/event/{user}/{ids[1]}", """{"event_tags":[{"tag":"mood","value":"sad"}]}""");

        async Task<List<string>> Found(string query) =>
            (await Send(HttpMethod.Get, $"users/event_tags/search/{user}?{query}")).Body!["data"]!["events"]!.AsArray().Select(e => (string)e!["id"]!).ToList();

        Assert.Equal([ids[0], ids[1]], await Found("tags=mood"));
        Assert.Equal([ids[0]], await Found("tags=mood,%20topic"));
        Assert.Equal([ids[1]], await Found("tag_values=mood=sad"));
        Assert.Equal(ids, await Found("topk=5"));
        Assert.Equal([ids[0]], await Found("tags=mood&topk=1"));
    }

    [Fact]
    public async Task The_profile_config_is_an_empty_string_until_set()
    {
        Assert.Equal("", (string)(await Send(HttpMethod.Get, "project/profile_config")).Body!["data"]!["profile_config"]!);
    }

    [Fact]
    public async Task A_profile_event_ratio_outside_0_to_1_fails_the_servers_assertion_with_errno_500()
    {
        var user = await CreateUser();
        var body = (await Send(HttpMethod.Get, $"users/context/{user}?profile_event_ratio=0")).Body!;
        Assert.Equal(500, (int)body["errno"]!);
        Assert.Contains("profile_event_ratio must be between 0 and 1", (string)body["errmsg"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_blob_that_is_not_there_succeeds_as_on_the_server()
    {
        var user = await CreateUser();
        var (status, body, _) = await Send(HttpMethod.Delete, $"blobs/{user}/{Guid.NewGuid()}");
        Assert.Equal((200, 0), (status, (int)body!["errno"]!));
    }

    [Fact]
    public async Task An_absent_event_is_errno_404_user_event_not_found_for_update_and_delete()
    {
        var user = await CreateUser();
        var id = Guid.NewGuid();
        AssertFailure((await Send(HttpMethod.Put, $"users/event/{user}/{id}", """{"event_tip":"x"}""")).Body, 404, $"User event {id} not found");
        AssertFailure((await Send(HttpMethod.Delete, $"users/event/{user}/{id}")).Body, 404, $"User event {id} not found");
    }

    [Fact]
    public async Task Updating_an_event_replaces_only_the_fields_given()
    {
        var user = await CreateUser();
        await Insert(user, "I play tennis");
        await Send(HttpMethod.Post, $"users/buffer/{user}/chat?wait_process=true");
        var before = (await Send(HttpMethod.Get, $"users/event/{user}")).Body!["data"]!["events"]![0]!;
        var id = (string)before["id"]!;

        await Send(HttpMethod.Put, $"users/event/{user}/{id}", """{"event_tags":[{"tag":"mood","value":"happy"}]}""");

        var after = (await Send(HttpMethod.Get, $"users/event/{user}")).Body!["data"]!["events"]![0]!["event_data"]!;
        Assert.Equal("- I play tennis", (string)after["event_tip"]!);
        Assert.Equal("happy", (string)after["event_tags"]![0]!["value"]!);
    }

    [Fact]
    public async Task Profiles_absent_or_for_an_unknown_user_answer_as_the_server()
    {
        var user = await CreateUser();
        var id = Guid.NewGuid();
        const string Delta = """{"content":"x","attributes":{"topic":"a","sub_topic":"b"}}""";
        Assert.Equal(0, (int)(await Send(HttpMethod.Put, $"users/profile/{user}/{id}", Delta)).Body!["errno"]!);
        AssertFailure((await Send(HttpMethod.Delete, $"users/profile/{user}/{id}")).Body, 404, $"Profile {id} not found for user {user}");
        var unknown = (await Send(HttpMethod.Post, $"users/profile/{Guid.NewGuid()}", Delta)).Body!;
        Assert.Equal(500, (int)unknown["errno"]!);
        Assert.Contains("ForeignKeyViolation", (string)unknown["errmsg"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("users/profile/{user}?topic_limits_json=oops", "Invalid JSON requests: ")]
    [InlineData("users/profile/{user}?chats_str=oops", "Invalid JSON requests: ")]
    [InlineData("users/context/{user}?topic_limits_json=oops", "Invalid JSON: ")]
    [InlineData("users/context/{user}?chats_str=[1]", "Invalid JSON: ")]
    public async Task Invalid_JSON_query_parameters_are_errno_400(string path, string errmsgStart)
    {
        var user = await CreateUser();
        var body = (await Send(HttpMethod.Get, path.Replace("{user}", user, StringComparison.Ordinal))).Body!;
        Assert.Equal(400, (int)body["errno"]!);
        Assert.StartsWith(errmsgStart, (string)body["errmsg"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_are_listed_for_21_days_only_but_still_searched_for_180()
    {
        var user = await CreateUser();
        await Insert(user, "I play tennis");
        await Send(HttpMethod.Post, $"users/buffer/{user}/chat?wait_process=true");
        _clock.Advance(TimeSpan.FromDays(22));

        Assert.Empty((await Send(HttpMethod.Get, $"users/event/{user}")).Body!["data"]!["events"]!.AsArray());
        Assert.Single((await Send(HttpMethod.Get, $"users/event/search/{user}?query=tennis")).Body!["data"]!["events"]!.AsArray());
    }

    [Fact]
    public async Task Event_gists_are_the_dash_lines_of_event_tips_searched_under_gists()
    {
        var user = await CreateUser();
        await Insert(user, "I play tennis");
        await Insert(user, "I drink green tea");
        await Send(HttpMethod.Post, $"users/buffer/{user}/chat?wait_process=true");

        var data = (await Send(HttpMethod.Get, $"users/event_gist/search/{user}?query=green%20tea")).Body!["data"]!;

        var gist = Assert.Single(data["gists"]!.AsArray())!;
        Assert.Equal("- I drink green tea", (string)gist["gist_data"]!["content"]!);
        Assert.Equal(1.0, (double)gist["similarity"]!);
        Assert.Empty(data["events"]!.AsArray());
    }

    [Fact]
    public async Task Search_keeps_only_similarities_strictly_above_the_threshold()
    {
        var user = await CreateUser();
        await Insert(user, "I play tennis");
        await Send(HttpMethod.Post, $"users/buffer/{user}/chat?wait_process=true");
        Assert.Empty((await Send(HttpMethod.Get, $"users/event/search/{user}?query=tennis%20golf&similarity_threshold=0.5")).Body!["data"]!["events"]!.AsArray());
        Assert.Single((await Send(HttpMethod.Get, $"users/event/search/{user}?query=tennis%20golf&similarity_threshold=0.4")).Body!["data"]!["events"]!.AsArray());
    }

    [Fact]
    public async Task Project_users_are_searched_by_id_with_their_counts_and_ordered_as_asked()
    {
        var quiet = await CreateUser("""{"data":{"name":"Q"}}""");
        var busy = await CreateUser();
        await Send(HttpMethod.Post, $"users/profile/{busy}", """{"content":"x","attributes":{"topic":"a","sub_topic":"b"}}""");

        var all = (await Send(HttpMethod.Get, "project/users?order_by=profile_count&order_desc=true")).Body!["data"]!;
        Assert.Equal(2, (int)all["count"]!);
        Assert.Equal([busy, quiet], all["users"]!.AsArray().Select(u => (string)u!["id"]!));
        Assert.Equal(1, (int)all["users"]![0]!["profile_count"]!);

        var one = (await Send(HttpMethod.Get, $"project/users?search={quiet[..8]}")).Body!["data"]!;
        Assert.Equal(1, (int)one["count"]!);
        Assert.Equal("Q", (string)one["users"]![0]!["additional_fields"]!["name"]!);
        Assert.Equal(0, (int)(await Send(HttpMethod.Get, $"project/users?search={quiet[..8].ToUpperInvariant()}A")).Body!["data"]!["count"]!);

        var (status, body, _) = await Send(HttpMethod.Get, "project/users?order_by=name");
        Assert.Equal(422, status);
        Assert.Equal("literal_error", (string)body!["detail"]![0]!["type"]!);
    }

    [Fact]
    public async Task Usage_counts_todays_inserts_that_passed_validation_and_those_that_succeeded()
    {
        var user = await CreateUser();
        await Insert(user, "one");
        await Send(HttpMethod.Post, $"blobs/insert/{user}", """{"blob_type":"chat","blob_data":{"messages":[{"role":"system","content":"x"}]}}""");
        await Send(HttpMethod.Post, $"blobs/insert/{user}", """{"blob_type":"nope","blob_data":{}}""");

        var days = (await Send(HttpMethod.Get, "project/usage?last_days=2")).Body!["data"]!.AsArray();

        Assert.Equal(2, days.Count);
        Assert.Equal(_clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string)days[0]!["date"]!);
        Assert.Equal((2, 1), ((int)days[0]!["total_insert"]!, (int)days[0]!["total_success_insert"]!));
        Assert.Equal(0, (int)days[1]!["total_insert"]!);
    }

    [Fact]
    public async Task Every_wrapped_answer_carries_X_Process_Time_but_an_authentication_refusal_does_not()
    {
        var user = await CreateUser();
        foreach (var path in new[] { $"users/{user}", $"users/{Guid.NewGuid()}", "users/not-a-uuid", "nothing/here" })
        {
            var seconds = (await Send(HttpMethod.Get, path)).Response.Headers.GetValues(ProcessTimeMiddleware.Header).Single();
            Assert.True(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture) >= 0, seconds);
        }
        using var http = new HttpClient();
        var refused = await http.GetAsync(new Uri(Server.Api, $"users/{user}"));
        Assert.Equal(401, (int)refused.StatusCode);
        Assert.False(refused.Headers.Contains(ProcessTimeMiddleware.Header));
    }
}
