using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MemoSync.Emulator.Admin;
using MemoSync.Emulator.Api;

namespace MemoSync.Emulator.Chat;

/// <summary>
/// The scripted OpenAI-compatible chat endpoint, <c>POST /v1/chat/completions</c> (streamed as server-sent events
/// with <c>stream: true</c>), and its admin paths under <c>/_emulator/chat</c>: the settings and the requests received.
/// Any API key is accepted and none is recorded.
/// </summary>
internal static class ChatCompletionEndpoints
{
    public const string Path = "/v1/chat/completions";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Path, AnswerAsync);
        var admin = AdminEndpoints.Group(app, "/chat");
        admin.MapGet("", (ScriptedChat chat) => Results.Json(chat.Settings, EmulatorJsonContext.Default.ScriptedChatSettings));
        admin.MapPut("", async Task<IResult> (HttpContext http, ScriptedChat chat, CancellationToken ct) =>
        {
            var (settings, problem) = await SettingsBody.ReadAsync(http, EmulatorJsonContext.Default.ScriptedChatSettings, s => s.Validate(), "chat settings", ct);
            if (problem is not null)
            {
                return problem;
            }
            chat.Settings = settings!;
            return Results.Json(settings, EmulatorJsonContext.Default.ScriptedChatSettings);
        });
        admin.MapGet("/requests", (ReceivedLog<ReceivedChatRequest> log) => Results.Json(log.Snapshot(), EmulatorJsonContext.Default.IReadOnlyListReceivedChatRequest));
        admin.MapPost("/requests/reset", (ReceivedLog<ReceivedChatRequest> log) =>
        {
            log.Clear();
            return Results.NoContent();
        });
    }

    private static async Task AnswerAsync(HttpContext http, ScriptedChat chat, ReceivedLog<ReceivedChatRequest> log, TimeProvider time)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var (request, error, param) = ChatCompletionRequest.Parse(await reader.ReadToEndAsync(http.RequestAborted));
        if (request is null)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "invalid_request_error", error!, param);
            return;
        }
        var (answer, outcome, settings) = chat.Next(request.LastUserMessage);
        log.Add(new ReceivedChatRequest(time.GetUtcNow(), request.Model, request.Stream, request.SystemPrompt, request.Messages, outcome));
        if (settings.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(settings.LatencyMs), time, http.RequestAborted);
        }
        if (outcome == ChatOutcome.Dropped)
        {
            http.Abort();
            return;
        }
        if (outcome == ChatOutcome.Failed)
        {
            await WriteErrorAsync(http, StatusCodes.Status500InternalServerError, "server_error", "The scripted server failed this request", null);
            return;
        }
        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream)
        {
            await StreamAsync(http, request, answer, outcome == ChatOutcome.Interrupted, settings, id, created, time);
            return;
        }
        var completion = new JsonObject
        {
            ["id"] = id, ["object"] = "chat.completion", ["created"] = created, ["model"] = request.Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = Usage(request, answer),
        };
        var bytes = Encoding.UTF8.GetBytes(completion.ToJsonString());
        http.Response.ContentType = "application/json";
        if (outcome == ChatOutcome.Interrupted)
        {
            http.Response.ContentLength = bytes.Length;
            await http.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), http.RequestAborted);
            await CutAsync(http, time);
            return;
        }
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    private static async Task StreamAsync(HttpContext http, ChatCompletionRequest request, string answer, bool interrupt, ScriptedChatSettings settings,
        string id, long created, TimeProvider time)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var pieces = Pieces(answer);
        var cutAt = interrupt ? Math.Max(1, pieces.Count / 2) : int.MaxValue;
        await WriteEventAsync(http, Chunk(id, created, request.Model, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i == cutAt)
            {
                await CutAsync(http, time);
                return;
            }
            if (i > 0 && settings.ChunkDelayMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(settings.ChunkDelayMs), time, http.RequestAborted);
            }
            await WriteEventAsync(http, Chunk(id, created, request.Model, new JsonObject { ["content"] = pieces[i] }, null));
        }
        await WriteEventAsync(http, Chunk(id, created, request.Model, new JsonObject(), "stop"));
        if (request.IncludeUsage)
        {
            var usage = Chunk(id, created, request.Model, null, null);
            usage["usage"] = Usage(request, answer);
            await WriteEventAsync(http, usage);
        }
        await WriteEventAsync(http, "[DONE]");
    }

    /// <summary>Cuts the connection once what was written has had time to leave: a cut at once would discard it.</summary>
    private static async Task CutAsync(HttpContext http, TimeProvider time)
    {
        await http.Response.Body.FlushAsync(http.RequestAborted);
        await Task.Delay(TimeSpan.FromMilliseconds(100), time, http.RequestAborted);
        http.Abort();
    }

    /// <summary>One <c>chat.completion.chunk</c>; without a delta it has no choices (the usage chunk).</summary>
    private static JsonObject Chunk(string id, long created, string model, JsonObject? delta, string? finishReason) => new()
    {
        ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = model,
        ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    };

    private static Task WriteEventAsync(HttpContext http, JsonObject data) => WriteEventAsync(http, data.ToJsonString());

    private static async Task WriteEventAsync(HttpContext http, string data)
    {
        await http.Response.WriteAsync($"data: {data}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private static JsonObject Usage(ChatCompletionRequest request, string answer)
    {
        var prompt = request.Messages.Sum(m => TokenEstimate.Of(m.Content));
        var completion = TokenEstimate.Of(answer);
        return new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion };
    }

    /// <summary>The answer in the pieces a model would stream: a word with its following space, long words and unspaced text (Chinese) by six characters.</summary>
    internal static IReadOnlyList<string> Pieces(string answer)
    {
        var pieces = new List<string>();
        var piece = new StringBuilder();
        var letters = 0;
        var elements = StringInfo.GetTextElementEnumerator(answer);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var space = string.IsNullOrWhiteSpace(element);
            if (!space && piece.Length > 0 && (letters == 6 || char.IsWhiteSpace(piece[^1])))
            {
                pieces.Add(piece.ToString());
                piece.Clear();
                letters = 0;
            }
            piece.Append(element);
            letters += space ? 0 : 1;
        }
        if (piece.Length > 0)
        {
            pieces.Add(piece.ToString());
        }
        return pieces;
    }

    private static async Task WriteErrorAsync(HttpContext http, int status, string type, string message, string? param)
    {
        var error = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = null },
        };
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(error.ToJsonString(), http.RequestAborted);
    }
}
