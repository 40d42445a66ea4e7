// A console assistant with memory: any OpenAI-compatible chat model, the user's Memobase memory in its system prompt,
// and every exchange recorded in MemoSync's journal and delivered to Memobase.
//
// Settings (environment variables, or appsettings.json): LLM_URL, LLM_MODEL, LLM_API_KEY for the model; MEMOBASE_URL,
// MEMOBASE_TOKEN and MEMOSYNC_JOURNAL for MemoSync; USER_ID for the person.
using System.ClientModel;
using MemoSync.Chat;
using MemoSync.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenAI;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var settings = builder.Configuration;

// The journal, the Memobase client and the delivery engine, which runs while the host does.
builder.Services.AddMemoSync(settings);

// The chat model, with the MemoSync middleware: one line.
var model = new OpenAIClient(new ApiKeyCredential(settings["LLM_API_KEY"] ?? "none"),
        new OpenAIClientOptions { Endpoint = new Uri(settings["LLM_URL"] ?? "http://localhost:11434/v1") })
    .GetChatClient(settings["LLM_MODEL"] ?? "llama3.2")
    .AsIChatClient();
builder.Services.AddChatClient(model).UseMemoSync();

using var host = builder.Build();
await host.StartAsync();

var chat = host.Services.GetRequiredService<IChatClient>();
var user = settings["USER_ID"] ?? Environment.UserName;
// Who speaks, for the memory and the recorded turns.
var options = new ChatOptions().WithMemoSyncUser(user, sessionId: $"console-{Guid.NewGuid()}");
List<ChatMessage> history = [new(ChatRole.System, "You are a helpful assistant.")];

Console.WriteLine($"Hello {user}. Type a message; an empty line or Ctrl+D ends.");
while (Console.ReadLine() is { Length: > 0 } line)
{
    history.Add(new ChatMessage(ChatRole.User, line));
    var updates = new List<ChatResponseUpdate>();
    Console.Write("assistant> ");
    await foreach (var update in chat.GetStreamingResponseAsync(history, options))
    {
        Console.Write(update.Text);
        updates.Add(update);
    }
    Console.WriteLine();
    history.AddMessages(updates);
}

// Stopping drains the delivery engine; a turn Memobase did not take yet waits in the journal for the next start.
await host.StopAsync();
