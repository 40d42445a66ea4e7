// A minimal chat service with memory: POST /chat {"userId": "...", "sessionId": "...", "message": "..."} answers with
// the user's Memobase memory in the model's system prompt, and records the exchange for MemoSync to deliver.
//
// Settings (environment variables, or appsettings.json): LLM_URL, LLM_MODEL, LLM_API_KEY for the model; MEMOBASE_URL,
// MEMOBASE_TOKEN and MEMOSYNC_JOURNAL for MemoSync.
using System.ClientModel;
using MemoSync.Chat;
using MemoSync.Hosting;
using Microsoft.Extensions.AI;
using OpenAI;

var builder = WebApplication.CreateBuilder(args);
var settings = builder.Configuration;

builder.Services.AddMemoSync(settings);
builder.Services.AddChatClient(new OpenAIClient(new ApiKeyCredential(settings["LLM_API_KEY"] ?? "none"),
        new OpenAIClientOptions { Endpoint = new Uri(settings["LLM_URL"] ?? "http://localhost:11434/v1") })
    .GetChatClient(settings["LLM_MODEL"] ?? "llama3.2")
    .AsIChatClient())
    .UseMemoSync();

var app = builder.Build();

app.MapPost("/chat", async (ChatRequest request, IChatClient chat, CancellationToken ct) =>
{
    if (string.IsNullOrWhiteSpace(request.UserId) || string.IsNullOrWhiteSpace(request.Message))
    {
        return Results.BadRequest(new { error = "userId and message are required" });
    }
    var response = await chat.GetResponseAsync(
        [new ChatMessage(ChatRole.System, "You are a helpful assistant."), new ChatMessage(ChatRole.User, request.Message)],
        new ChatOptions().WithMemoSyncUser(request.UserId, request.SessionId), ct);
    return Results.Ok(new ChatAnswer(response.Text));
});

app.Run();

internal sealed record ChatRequest(string UserId, string? SessionId, string Message);

internal sealed record ChatAnswer(string Answer);
