using System.Text.Json.Nodes;
using MemoSync.TestSupport;

namespace MemoSync.Emulator.Tests;

/// <summary>A test with its own emulator, speaking raw HTTP and JSON to it as any SDK would.</summary>
public abstract class RawApiTest : IAsyncLifetime
{
    private RunningEmulator? _server;

    protected RunningEmulator Server => _server ?? throw new InvalidOperationException("not started");

    protected virtual void Configure(EmulatorOptions options)
    {
    }

    public async Task InitializeAsync() => _server = await RunningEmulator.StartAsync(Configure);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Sends a request with the root token and returns the status, the body and the answer's headers.</summary>
    protected async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> Send(HttpMethod method, string apiPath, string? json = null)
    {
        using var request = Server.Request(method, apiPath, json);
        var response = await Server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var isJson = response.Content.Headers.ContentType?.MediaType == "application/json";
        return ((int)response.StatusCode, isJson ? JsonNode.Parse(text) : null, response);
    }

    protected async Task<string> CreateUser(string? data = null)
    {
        var (_, body, _) = await Send(HttpMethod.Post, "users", data ?? "{}");
        return (string)body!["data"]!["id"]!;
    }

    protected static string Chat(string content, string role = "user", string? turnId = null) =>
        new JsonObject
        {
            ["blob_type"] = "chat",
            ["blob_data"] = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = role, ["content"] = content }) },
            ["fields"] = turnId is null ? null : new JsonObject { ["memosync_turn_id"] = turnId },
        }.ToJsonString();
}
