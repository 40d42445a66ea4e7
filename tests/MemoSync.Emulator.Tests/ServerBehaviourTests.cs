using System.Text.Json.Nodes;
using MemoSync.TestSupport;

namespace MemoSync.Emulator.Tests;

/// <summary>The real server's answers, odd ones included (shared/memobase/NOTES.md).</summary>
public class ServerBehaviourTests : RawApiTest
{
    private static void AssertEnvelope(JsonNode? body, int errno, string errmsgStart)
    {
        Assert.Null(body!["data"]);
        Assert.Equal(errno, (int)body["errno"]!);
        Assert.StartsWith(errmsgStart, (string)body["errmsg"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthcheck_answers_the_empty_envelope_without_auth()
    {
        var response = await new HttpClient().GetStringAsync(new Uri(Server.Api, "healthcheck"));
        Assert.Equal("""{"data":null,"errno":0,"errmsg":""}""", response);
    }

    [Fact]
    public async Task An_unknown_user_is_HTTP_200_errno_404()
    {
        var id = Guid.NewGuid();
        var (status, body, _) = await Send(HttpMethod.Get, $"users/{id}");
        Assert.Equal(200, status);
        AssertEnvelope(body, 404, $"User {id} not found");
    }

    [Fact]
    public async Task Creating_an_existing_user_is_HTTP_200_errno_500()
    {
        var id = await CreateUser();
        var (status, body, _) = await Send(HttpMethod.Post, "users", $$"""{"id":"{{id}}"}""");
        Assert.Equal(200, status);
        AssertEnvelope(body, 500, "Sorry, we have encountered an unknown error");
    }

    [Fact]
    public async Task Inserting_for_an_unknown_user_is_HTTP_200_errno_500_foreign_key()
    {
        var (status, body, _) = await Send(HttpMethod.Post, $"blobs/insert/{Guid.NewGuid()}", Chat("hi"));
        Assert.Equal(200, status);
        AssertEnvelope(body, 500, "Error inserting blob: (psycopg2.errors.ForeignKeyViolation)");
    }

    [Theory]
    [InlineData("""{"blob_type":"chat","blob_data":{"messages":[{"role":"system","content":"x"}]}}""", "role")]
    [InlineData("""{"blob_type":"chat","blob_data":{}}""", "messages")]
    [InlineData("""{"blob_type":"chat","blob_data":{"messages":[{"role":"user"}]}}""", "content")]
    public async Task A_chat_blob_the_insert_cannot_parse_is_HTTP_200_errno_400(string blob, string field)
    {
        var user = await CreateUser();
        var (status, body, _) = await Send(HttpMethod.Post, $"blobs/insert/{user}", blob);
        Assert.Equal(200, status);
        AssertEnvelope(body, 400, "Unable to parse blob");
        Assert.Contains(field, (string)body!["errmsg"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("image")]
    [InlineData("transcript")]
    public async Task Image_and_transcript_inserts_fail_with_errno_500(string type)
    {
        var user = await CreateUser();
        var (status, body, _) = await Send(HttpMethod.Post, $"blobs/insert/{user}", $$$"""{"blob_type":"{{{type}}}","blob_data":{}}""");
        Assert.Equal(200, status);
        AssertEnvelope(body, 500, "Error inserting blob");
    }

    [Theory]
    [InlineData("users/alice", "uuid_parsing", "path,user_id")]
    [InlineData("users/018f2c3e-1d2a-7b3c-8d4e-5f6a7b8c9d0e", "uuid_version", "path,user_id")]
    [InlineData("users/blobs/3f6c7b1a-9d2e-4f8a-b5c3-e1f2a3b4c5d6/video", "enum", "path,blob_type")]
    [InlineData("users/blobs/3f6c7b1a-9d2e-4f8a-b5c3-e1f2a3b4c5d6/chat?page=first", "int_parsing", "query,page")]
    [InlineData("users/buffer/capacity/3f6c7b1a-9d2e-4f8a-b5c3-e1f2a3b4c5d6/chat?status=stuck", "literal_error", "query,status")]
    [InlineData("users/event/search/3f6c7b1a-9d2e-4f8a-b5c3-e1f2a3b4c5d6", "missing", "query,query")]
    [InlineData("users/event/3f6c7b1a-9d2e-4f8a-b5c3-e1f2a3b4c5d6?need_summary=maybe", "bool_parsing", "query,need_summary")]
    public async Task Invalid_parameters_are_422_in_FastAPIs_format(string path, string type, string loc)
    {
        var (status, body, _) = await Send(HttpMethod.Get, path);
        Assert.Equal(422, status);
        var error = Assert.Single(body!["detail"]!.AsArray())!;
        Assert.Equal(type, (string)error["type"]!);
        Assert.Equal(loc, string.Join(",", error["loc"]!.AsArray().Select(n => n!.ToString())));
        Assert.NotNull(error["msg"]);
    }

    [Theory]
    [InlineData("", "missing", "body")]
    [InlineData("{not json", "json_invalid", "body,1")]
    [InlineData("""{"blob_data":{}}""", "missing", "body,blob_type")]
    [InlineData("""{"blob_type":"chat"}""", "missing", "body,blob_data")]
    [InlineData("""{"blob_type":"video","blob_data":{}}""", "enum", "body,blob_type")]
    [InlineData("[1]", "model_attributes_type", "body")]
    public async Task Invalid_insert_bodies_are_422_in_FastAPIs_format(string json, string type, string loc)
    {
        var user = await CreateUser();
        using var request = Server.Request(HttpMethod.Post, $"blobs/insert/{user}");
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var response = await Server.Http.SendAsync(request);
        Assert.Equal(422, (int)response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]![0]!;
        Assert.Equal(type, (string)error["type"]!);
        Assert.Equal(loc, string.Join(",", error["loc"]!.AsArray().Select(n => n!.ToString())));
    }

    [Fact]
    public async Task A_missing_or_non_Bearer_header_is_401_with_the_envelope()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.Api, "users/x"));
        request.Headers.TryAddWithoutValidation("Authorization", "Basic abc");
        var response = await http.SendAsync(request);
        Assert.Equal(401, (int)response.StatusCode);
        AssertEnvelope(JsonNode.Parse(await response.Content.ReadAsStringAsync()), 401,
            "Unauthorized access to /api/v1/users/x. You have to provide a valid Bearer token.");
        Assert.Equal(401, (int)(await http.GetAsync(new Uri(Server.Api, "users"))).StatusCode);
    }

    [Theory]
    [InlineData("wrong", "Invalid project id format")]
    [InlineData("sk-nodash", "Invalid project id format")]
    [InlineData("sk-proj-123-abc", "Your project is not exists!")]
    public async Task Another_token_than_the_root_token_is_refused_as_a_project_token(string token, string reason)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.Api, $"users/{Guid.NewGuid()}"));
        request.Headers.Authorization = new("Bearer", token);
        var response = await http.SendAsync(request);
        Assert.Equal(401, (int)response.StatusCode);
        Assert.EndsWith(reason, (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errmsg"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_paths_are_404_and_wrong_methods_405_as_FastAPI_says()
    {
        var (status, body, _) = await Send(HttpMethod.Get, "memories");
        Assert.Equal((404, "Not Found"), (status, (string?)body!["detail"]));
        using var http = new HttpClient();
        Assert.Equal("""{"detail":"Not Found"}""", await (await http.GetAsync(new Uri(Server.Emulator.BaseAddress, "v1/users"))).Content.ReadAsStringAsync());
        var wrongMethod = await http.DeleteAsync(new Uri(Server.Api, "healthcheck"));
        Assert.Equal(405, (int)wrongMethod.StatusCode);
        Assert.Equal("""{"detail":"Method Not Allowed"}""", await wrongMethod.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Chinese_text_comes_back_as_UTF_8_not_escaped_as_FastAPI_writes_it()
    {
        var user = await CreateUser();
        var blob = (string)(await Send(HttpMethod.Post, $"blobs/insert/{user}", Chat("我喜欢打网球")))!.Body!["data"]!["id"]!;
        using var request = Server.Request(HttpMethod.Get, $"blobs/{user}/{blob}");
        var text = await (await Server.Http.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("\"content\":\"我喜欢打网球\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_user_removes_its_blobs_profiles_and_events()
    {
        var user = await CreateUser();
        var blob = (string)(await Send(HttpMethod.Post, $"blobs/insert/{user}", Chat("hi")))!.Body!["data"]!["id"]!;
        await Send(HttpMethod.Post, $"users/profile/{user}", """{"content":"x","attributes":{"topic":"a","sub_topic":"b"}}""");
        await Send(HttpMethod.Post, $"users/buffer/{user}/chat?wait_process=true");
        await Send(HttpMethod.Delete, $"users/{user}");
        await Send(HttpMethod.Post, "users", $$"""{"id":"{{user}}"}""");

        Assert.Equal(404, (int)(await Send(HttpMethod.Get, $"blobs/{user}/{blob}")).Body!["errno"]!);
        Assert.Empty((await Send(HttpMethod.Get, $"users/profile/{user}")).Body!["data"]!["profiles"]!.AsArray());
        Assert.Empty((await Send(HttpMethod.Get, $"users/event/{user}")).Body!["data"]!["events"]!.AsArray());
    }

    [Fact]
    public async Task Every_success_the_emulator_answers_conforms_to_the_OpenAPI_document()
    {
        var user = await CreateUser("""{"data":{"a":1}}""");
        var blob = (string)(await Send(HttpMethod.Post, $"blobs/insert/{user}?wait_process=true", Chat("I like tea", turnId: "t1")))!.Body!["data"]!["id"]!;
        await Send(HttpMethod.Get, $"blobs/{user}/{blob}");
        await Send(HttpMethod.Get, $"users/blobs/{user}/chat?page=0&page_size=5");
        await Send(HttpMethod.Get, $"users/buffer/capacity/{user}/chat?status=idle");
        await Send(HttpMethod.Post, $"users/buffer/{user}/chat?wait_process=true");
        var profile = (string)(await Send(HttpMethod.Post, $"users/profile/{user}", """{"content":"likes tea","attributes":{"topic":"interest","sub_topic":"drink"}}""")).Body!["data"]!["id"]!;
        await Send(HttpMethod.Put, $"users/profile/{user}/{profile}", """{"content":"loves tea","attributes":{"topic":"interest","sub_topic":"drink"}}""");
        await Send(HttpMethod.Get, $"users/profile/{user}?topk=3&max_token_size=100&prefer_topics=interest&only_topics=interest&max_subtopic_size=2&topic_limits_json=%7B%22interest%22%3A1%7D");
        await Send(HttpMethod.Get, $"users/context/{user}?max_token_size=300&profile_event_ratio=0.5&fill_window_with_events=true");
        var events = (await Send(HttpMethod.Get, $"users/event/{user}?topk=5")).Body!["data"]!["events"]!.AsArray();
        var eventId = (string)events[0]!["id"]!;
        await Send(HttpMethod.Put, $"users/event/{user}/{eventId}", """{"event_tip":"tea time","profile_delta":[],"event_tags":[{"tag":"mood","value":"calm"}]}""");
        await Send(HttpMethod.Get, $"users/event/search/{user}?query=tea&topk=3&similarity_threshold=0.1&time_range_in_days=10");
        await Send(HttpMethod.Get, $"users/event_gist/search/{user}?query=tea&topk=3&similarity_threshold=0.1&time_range_in_days=10");
        await Send(HttpMethod.Get, "project/users?search=&order_by=event_count&order_desc=false&limit=5&offset=0");
        await Send(HttpMethod.Get, "project/usage?last_days=3");
        await Send(HttpMethod.Get, $"users/event_tags/search/{user}?tags=mood&tag_values=mood=calm&topk=3");
        await Send(HttpMethod.Post, $"users/profile/import/{user}", """{"context":"I like tea"}""");
        await Send(HttpMethod.Delete, $"users/event/{user}/{eventId}");
        await Send(HttpMethod.Post, "project/profile_config", """{"profile_config":"language: en"}""");
        await Send(HttpMethod.Get, "project/profile_config");
        await Send(HttpMethod.Put, $"users/{user}", """{"a":2}""");
        await Send(HttpMethod.Get, $"users/{user}");
        await Send(HttpMethod.Delete, $"users/profile/{user}/{profile}");
        await Send(HttpMethod.Delete, $"users/{user}");

        var successes = Server.Recorder.Exchanges.Where(e => e.Status == 200 && (int)JsonNode.Parse(e.ResponseBody)!["errno"]! == 0).ToList();
        Assert.Equal(Server.Recorder.Exchanges.Count, successes.Count);
        OpenApiContract.Instance.AssertAll(successes);
    }
}
