using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace MemoSync.Realtime;

/// <summary>
/// One WebSocket session with a realtime endpoint: the client events as methods, the server's events as a stream.
/// Sends may come from any thread (one at a time goes out); the events are read by one reader.
/// </summary>
public sealed partial class RealtimeConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendGate = new(1, 1);

    private RealtimeConnection(ClientWebSocket socket) => _socket = socket;

    /// <summary>
    /// Opens a session, trying again with exponential backoff while the endpoint is unreachable or busy; a refusal
    /// (a wrong key, an unknown path) is not retried.
    /// </summary>
    /// <exception cref="ArgumentException">The options cannot work (the message says why).</exception>
    /// <exception cref="RealtimeConnectionException">No attempt succeeded, or the endpoint refused the connection.</exception>
    public static async Task<RealtimeConnection> ConnectAsync(RealtimeOptions options, ILogger? logger = null, TimeProvider? time = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } error)
        {
            throw new ArgumentException($"Invalid realtime options: {error}", nameof(options));
        }
        logger ??= NullLogger.Instance;
        var uri = options.SocketUri();
        var where = $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}";
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.ConnectAttempts - 1,
                Delay = options.ReconnectDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<WebSocketException>(IsTransient).Handle<TimeoutException>(),
                OnRetry = args =>
                {
                    LogRetry(logger, where, args.Outcome.Exception?.Message ?? "no answer", args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        try
        {
            var socket = await pipeline.ExecuteAsync(async token => await OpenAsync(options, uri, token), ct);
            return new RealtimeConnection(socket);
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException)
        {
            throw new RealtimeConnectionException($"The realtime endpoint {where} could not be reached: {Describe(e)}", e);
        }
    }

    private static async Task<ClientWebSocket> OpenAsync(RealtimeOptions options, Uri uri, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (options.ApiKey is { Length: > 0 } key)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {key}");
        }
        socket.Options.SetRequestHeader("OpenAI-Beta", "realtime=v1");
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(uri, attempt.Token);
            return socket;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"no WebSocket within {options.ConnectTimeout.TotalSeconds:0.#} s");
        }
        catch (WebSocketException e)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            throw status == 0 ? e : new WebSocketException(e.WebSocketErrorCode, $"HTTP {(int)status} {status}", new HttpStatusException(status));
        }
    }

    /// <summary>Unreachable, or an answer that may change on its own (rate limit, server error); not a refusal of this client.</summary>
    private static bool IsTransient(WebSocketException e) =>
        e.InnerException is not HttpStatusException { Status: var status } || status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static string Describe(Exception e) => e.InnerException is HttpStatusException { Status: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden }
        ? $"{e.Message}: the key was refused (set the right API key)"
        : e.Message;

    /// <summary>Sends one client event.</summary>
    /// <exception cref="RealtimeConnectionException">The connection is gone.</exception>
    public async Task SendAsync(JsonObject clientEvent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(clientEvent);
        var bytes = System.Text.Encoding.UTF8.GetBytes(clientEvent.ToJsonString());
        await _sendGate.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            throw new RealtimeConnectionException($"The realtime connection is gone: {e.Message}", e);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary><c>session.update</c>: the instructions (the system prompt), text only or text and 16-bit PCM audio, transcription of the
    /// person's audio, and no server turn detection: the client commits the audio and asks for each response.</summary>
    public Task UpdateSessionAsync(string instructions, bool audio, CancellationToken ct = default) => SendAsync(new JsonObject
    {
        ["type"] = RealtimeEventTypes.SessionUpdate,
        ["session"] = new JsonObject
        {
            ["modalities"] = audio ? new JsonArray("text", "audio") : new JsonArray("text"),
            ["instructions"] = instructions,
            ["input_audio_format"] = "pcm16",
            ["output_audio_format"] = "pcm16",
            ["input_audio_transcription"] = new JsonObject { ["model"] = "whisper-1" },
            ["turn_detection"] = null,
        },
    }, ct);

    /// <summary><c>input_audio_buffer.append</c>: 16-bit little-endian mono PCM at 24 kHz.</summary>
    public Task AppendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken ct = default) =>
        SendAsync(new JsonObject { ["type"] = RealtimeEventTypes.InputAudioAppend, ["audio"] = Convert.ToBase64String(pcm16.Span) }, ct);

    /// <summary><c>input_audio_buffer.commit</c>: what was appended is the person's message.</summary>
    public Task CommitAudioAsync(CancellationToken ct = default) => SendAsync(Event(RealtimeEventTypes.InputAudioCommit), ct);

    /// <summary><c>input_audio_buffer.clear</c>: forget what was appended since the last commit.</summary>
    public Task ClearAudioAsync(CancellationToken ct = default) => SendAsync(Event(RealtimeEventTypes.InputAudioClear), ct);

    /// <summary><c>conversation.item.create</c>: a typed message from the person.</summary>
    public Task AddUserTextAsync(string text, CancellationToken ct = default) => SendAsync(new JsonObject
    {
        ["type"] = RealtimeEventTypes.ItemCreate,
        ["item"] = new JsonObject
        {
            ["type"] = "message",
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = text }),
        },
    }, ct);

    /// <summary><c>conversation.item.truncate</c>: the person heard the assistant's item only up to <paramref name="audioEndMs"/>.</summary>
    public Task TruncateAsync(string itemId, int audioEndMs, CancellationToken ct = default) => SendAsync(new JsonObject
    {
        ["type"] = RealtimeEventTypes.ItemTruncate, ["item_id"] = itemId, ["content_index"] = 0, ["audio_end_ms"] = audioEndMs,
    }, ct);

    /// <summary><c>response.create</c>: answer now.</summary>
    public Task CreateResponseAsync(CancellationToken ct = default) => SendAsync(Event(RealtimeEventTypes.ResponseCreate), ct);

    /// <summary><c>response.cancel</c>: stop the answer in progress.</summary>
    public Task CancelResponseAsync(CancellationToken ct = default) => SendAsync(Event(RealtimeEventTypes.ResponseCancel), ct);

    private static JsonObject Event(string type) => new() { ["type"] = type };

    /// <summary>The server's events until it closes the session.</summary>
    /// <exception cref="RealtimeConnectionException">The connection dropped without a close.</exception>
    /// <exception cref="RealtimeProtocolException">The server sent something that is not an event.</exception>
    public async IAsyncEnumerable<RealtimeServerEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        while (await ReceiveMessageAsync(message, ct))
        {
            yield return RealtimeServerEvent.Parse(message.WrittenMemory);
            message.ResetWrittenCount();
        }
    }

    /// <summary>Reads one whole message into <paramref name="message"/>; false when the server closed the session.</summary>
    private async Task<bool> ReceiveMessageAsync(ArrayBufferWriter<byte> message, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(message.GetMemory(4096), ct);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                    return false;
                }
                message.Advance(received.Count);
                if (received.EndOfMessage)
                {
                    return true;
                }
            }
        }
        catch (WebSocketException e)
        {
            throw new RealtimeConnectionException($"The realtime connection dropped: {e.Message}", e);
        }
    }

    /// <summary>Closes the session politely when it is still open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server went first or is gone: nothing is left to close.
            }
        }
        _socket.Dispose();
        _sendGate.Dispose();
    }

    /// <summary>Carries the HTTP status of a refused upgrade to the retry decision.</summary>
    private sealed class HttpStatusException(HttpStatusCode status) : Exception($"HTTP {(int)status}")
    {
        public HttpStatusCode Status { get; } = status;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning,
        Message = "Realtime endpoint {Endpoint} not reachable ({Reason}); attempt {Attempt} in {DelayMs:0} ms")]
    private static partial void LogRetry(ILogger logger, string endpoint, string reason, int attempt, double delayMs);
}
