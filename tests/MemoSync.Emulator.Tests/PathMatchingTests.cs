using System.Text.Json.Nodes;

namespace MemoSync.Emulator.Tests;

/// <summary>
/// Authentication and fault injection take a path exactly as routing does: whatever route answers a request was
/// guarded and faulted as that route, whatever its case, trailing slash or percent-encoding.
/// </summary>
public class PathMatchingTests : RawApiTest
{
    /// <summary>Sends <paramref name="path"/> (under the server's root, spelled as given) with or without the root token.</summary>
    private async Task<HttpResponseMessage> Raw(HttpMethod method, string path, bool withToken, string? json = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, new Uri(Server.Emulator.BaseAddress + path, UriKind.Absolute));
        if (withToken)
        {
            request.Headers.Authorization = new("Bearer", MemoSync.TestSupport.RunningEmulator.Token);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }
        return await http.SendAsync(request);
    }

    private async Task<int> StatusWithoutToken(HttpMethod method, string path, string? json = null) =>
        (int)(await Raw(method, path, withToken: false, json)).StatusCode;

    private async Task<int> StatusWithToken(HttpMethod method, string path) => (int)(await Raw(method, path, withToken: true)).StatusCode;

    [Theory]
    [InlineData("GET", "_EMULATOR/stats", 404)]
    [InlineData("PUT", "_Emulator/faults", 404)]
    [InlineData("GET", "API/v1/users/{user}", 404)]
    [InlineData("GET", "api/v1/USERS/{user}", 401)]
    public async Task A_path_in_another_case_is_not_routed_so_nothing_is_answered_without_the_token(string method, string path, int expected)
    {
        var user = await CreateUser();
        Assert.Equal(expected, await StatusWithoutToken(new HttpMethod(method), path.Replace("{user}", user, StringComparison.Ordinal), """{"drop_rate":1}"""));
        Assert.Equal(new FaultSettings(), Server.Emulator.Faults);
    }

    [Theory]
    [InlineData("API/v1/users/{user}")]
    [InlineData("Api/v1/users/{user}")]
    [InlineData("api/v1/Users/{user}")]
    [InlineData("_EMULATOR/stats")]
    public async Task Routes_are_case_sensitive_as_the_servers_so_another_case_is_404_even_with_the_token(string path)
    {
        var user = await CreateUser();
        Assert.Equal(404, await StatusWithToken(HttpMethod.Get, path.Replace("{user}", user, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("GET", "api/v1/users/{user}/")]
    [InlineData("GET", "api/v1/%75sers/{user}")]
    [InlineData("GET", "%61pi/v1/users/{user}")]
    [InlineData("GET", "api/v1//users/{user}")]
    [InlineData("GET", "_emulator/stats/")]
    [InlineData("GET", "_%65mulator/stats")]
    [InlineData("PUT", "_emulator/faults/")]
    [InlineData("PUT", "_emulator/%66aults")]
    public async Task A_routed_path_with_a_trailing_slash_or_encoded_characters_still_needs_the_token(string method, string path)
    {
        var user = await CreateUser();
        Assert.Equal(401, await StatusWithoutToken(new HttpMethod(method), path.Replace("{user}", user, StringComparison.Ordinal), """{"drop_rate":1}"""));
        Assert.Equal(new FaultSettings(), Server.Emulator.Faults);
    }

    [Theory]
    [InlineData("api/v1/users/{user}/")]
    [InlineData("api/v1/%75sers/{user}")]
    [InlineData("%61pi/v1/users/{user}")]
    public async Task Faults_reach_every_spelling_of_a_routed_path(string path)
    {
        var user = await CreateUser();
        Server.Emulator.Faults = new FaultSettings { Http503Rate = 1 };
        Assert.Equal(503, await StatusWithToken(HttpMethod.Get, path.Replace("{user}", user, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("api/v1/blobs/insert/{user}/")]
    [InlineData("api/v1/blobs/%69nsert/{user}")]
    public async Task Insert_only_faults_reach_every_spelling_of_the_insert_path(string path)
    {
        var user = await CreateUser();
        Server.Emulator.Faults = new FaultSettings { RejectRate = 1 };
        var response = await Raw(HttpMethod.Post, path.Replace("{user}", user, StringComparison.Ordinal), withToken: true, Chat("hi"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(400, (int)body["errno"]!);
        Assert.Empty((await Send(HttpMethod.Get, $"users/blobs/{user}/chat")).Body!["data"]!["ids"]!.AsArray());
    }

    [Theory]
    [InlineData("GET", "api/v1/users/{user}/?x=1", "api/v1/users/{user}?x=1")]
    [InlineData("POST", "api/v1/blobs/insert/{user}/", "api/v1/blobs/insert/{user}")]
    [InlineData("GET", "api/v1/healthcheck/", "api/v1/healthcheck")]
    public async Task A_trailing_slash_is_redirected_to_the_path_without_it_as_Starlette_does(string method, string path, string target)
    {
        var user = await CreateUser();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(Server.Emulator.BaseAddress + path.Replace("{user}", user, StringComparison.Ordinal)));
        request.Headers.Authorization = new("Bearer", MemoSync.TestSupport.RunningEmulator.Token);
        var response = await http.SendAsync(request);
        Assert.Equal(307, (int)response.StatusCode);
        Assert.Equal(new Uri(Server.Emulator.BaseAddress + target.Replace("{user}", user, StringComparison.Ordinal)), response.Headers.Location);
    }

    [Fact]
    public async Task The_healthcheck_in_any_spelling_that_routes_needs_no_token()
    {
        Assert.Equal(200, await StatusWithoutToken(HttpMethod.Get, "api/v1/healthcheck/"));
        Assert.Equal(200, await StatusWithoutToken(HttpMethod.Get, "api/v1/%68ealthcheck"));
    }
}
