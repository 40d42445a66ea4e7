using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using MemoSync.Memobase.Errors;
using MemoSync.Memobase.Models;
using MemoSync.Memobase.Queries;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemoSync.Memobase;

/// <summary>
/// A client for the Memobase HTTP API 0.0.40. Every call either returns the payload or throws a
/// <see cref="MemobaseException"/> whose <see cref="MemobaseException.Kind"/> says what to do next.
/// Arguments are checked before anything is sent; the token never reaches a log or an exception.
/// </summary>
public sealed class MemobaseClient : IMemobaseClient
{
    private static readonly MemobaseJsonContext Json = MemobaseJsonContext.Default;

    /// <summary>
    /// The wire types read strictly: a property the type requires (an <c>id</c>) missing, or null where the type has
    /// no null (a list of ids), fails the read, so no caller meets a null or an empty id the server never sends.
    /// </summary>
    private static readonly JsonSerializerOptions StrictAnswers = new(Json.Options)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };
    private readonly HttpClient _http;
    private readonly Uri _apiRoot;
    private readonly string _token;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _maxRetryAfter;
    private readonly ILogger _logger;

    /// <summary>Creates a client on <paramref name="http"/> (for example from IHttpClientFactory).</summary>
    /// <exception cref="ArgumentException">The options cannot work (no scheme, empty token...).</exception>
    public MemobaseClient(HttpClient http, MemobaseClientOptions options, ILogger<MemobaseClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }
        _http = http;
        _apiRoot = options.ApiRoot();
        _token = options.Token;
        _timeout = options.Timeout;
        _maxRetryAfter = options.MaxRetryAfter;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    public TimeSpan Timeout => _timeout;

    /// <inheritdoc />
    public Uri ApiRoot => _apiRoot;

    // ---- health

    /// <inheritdoc />
    public Task HealthCheckAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "healthcheck", null, Json.ApiEnvelopeJsonNode, "healthcheck", ct);

    // ---- users

    /// <inheritdoc />
    public async Task<MemobaseUserId> CreateUserAsync(MemobaseUserId? id = null, JsonObject? data = null, CancellationToken ct = default)
    {
        var body = Body(new UserData(data, id?.Value), Json.UserData);
        var created = await FetchAsync(HttpMethod.Post, "users", body, Json.ApiEnvelopeIdData, "create user", ct);
        return MemobaseUserId.FromGuid(created.Id);
    }

    /// <inheritdoc />
    public Task<UserData> GetUserAsync(MemobaseUserId id, CancellationToken ct = default) =>
        FetchAsync(HttpMethod.Get, $"users/{id}", null, Json.ApiEnvelopeUserData, "get user", ct);

    /// <inheritdoc />
    public async Task<UserData> GetOrCreateUserAsync(MemobaseUserId id, JsonObject? data = null, CancellationToken ct = default)
    {
        try
        {
            return await GetUserAsync(id, ct);
        }
        catch (MemobaseException e) when (e.Kind == MemobaseErrorKind.MissingUser)
        {
            await CreateUserAsync(id, data, ct);
            return await GetUserAsync(id, ct);
        }
    }

    /// <inheritdoc />
    public Task UpdateUserAsync(MemobaseUserId id, JsonObject data, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"users/{id}", Body(data, Json.JsonObject), Json.ApiEnvelopeIdData, "update user", ct);

    /// <inheritdoc />
    public Task DeleteUserAsync(MemobaseUserId id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"users/{id}", null, Json.ApiEnvelopeJsonNode, "delete user", ct);

    // ---- blobs

    /// <inheritdoc />
    public Task<BlobInsertData> InsertChatBlobAsync(MemobaseUserId id, IReadOnlyList<ChatMessage> messages, JsonObject? fields = null,
        bool waitProcess = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            throw new ArgumentException("A chat blob needs at least one message", nameof(messages));
        }
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role is not (ChatMessage.UserRole or ChatMessage.AssistantRole))
            {
                throw new ArgumentException($"messages[{i}].role must be 'user' or 'assistant', got '{messages[i].Role}'", nameof(messages));
            }
            ArgumentNullException.ThrowIfNull(messages[i].Content, $"messages[{i}].content");
        }
        var blobData = new JsonObject { ["messages"] = JsonSerializer.SerializeToNode(messages, Json.IReadOnlyListChatMessage) };
        return InsertBlobAsync(id, new Blob(BlobType.Chat, blobData, fields), waitProcess, ct);
    }

    /// <inheritdoc />
    public Task<BlobInsertData> InsertBlobAsync(MemobaseUserId id, Blob blob, bool waitProcess = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var query = new QueryBuilder().Add("wait_process", waitProcess);
        return FetchAsync(HttpMethod.Post, $"blobs/insert/{id}{query}", Body(blob, Json.Blob), Json.ApiEnvelopeBlobInsertData, InsertOperation, ct);
    }

    /// <inheritdoc />
    public Task<Blob> GetBlobAsync(MemobaseUserId id, Guid blobId, CancellationToken ct = default) =>
        FetchAsync(HttpMethod.Get, $"blobs/{id}/{blobId}", null, Json.ApiEnvelopeBlob, "get blob", ct);

    /// <inheritdoc />
    public Task DeleteBlobAsync(MemobaseUserId id, Guid blobId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"blobs/{id}/{blobId}", null, Json.ApiEnvelopeJsonNode, "delete blob", ct);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Guid>> ListBlobIdsAsync(MemobaseUserId id, string blobType = BlobType.Chat, int page = 0, int pageSize = 10,
        CancellationToken ct = default)
    {
        CheckBlobType(blobType);
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var query = new QueryBuilder().Add("page", page).Add("page_size", pageSize);
        return (await FetchAsync(HttpMethod.Get, $"users/blobs/{id}/{blobType}{query}", null, Json.ApiEnvelopeIdsData, "list blobs", ct)).Ids;
    }

    /// <inheritdoc />
    public Task<Guid?> FindBlobByFieldAsync(MemobaseUserId id, string field, string value, string blobType = BlobType.Chat, int maxRequests = 20,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(value);
        CheckBlobType(blobType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRequests);
        return new BlobFinder(this, id, blobType, maxRequests).FindAsync(field, value, ct);
    }

    // ---- buffer

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChatModalResult>> FlushBufferAsync(MemobaseUserId id, string blobType = BlobType.Chat, bool waitProcess = false,
        CancellationToken ct = default)
    {
        CheckBlobType(blobType);
        var query = new QueryBuilder().Add("wait_process", waitProcess);
        return NoNulls(await SendAsync(HttpMethod.Post, $"users/buffer/{id}/{blobType}{query}", null, Json.ApiEnvelopeIReadOnlyListChatModalResult,
            "flush buffer", ct) ?? [], "flush buffer");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Guid>> GetBufferCapacityAsync(MemobaseUserId id, string blobType = BlobType.Chat,
        string status = BufferStatus.Processing, CancellationToken ct = default)
    {
        CheckBlobType(blobType);
        if (status is not (BufferStatus.Idle or BufferStatus.Processing or BufferStatus.Failed or BufferStatus.Done))
        {
            throw new ArgumentException($"Buffer status must be idle, processing, failed or done, got '{status}'", nameof(status));
        }
        var query = new QueryBuilder().Add("status", status);
        return (await FetchAsync(HttpMethod.Get, $"users/buffer/capacity/{id}/{blobType}{query}", null, Json.ApiEnvelopeIdsData, "buffer capacity", ct)).Ids;
    }

    // ---- profiles

    /// <inheritdoc />
    public async Task<IReadOnlyList<ProfileData>> GetProfilesAsync(MemobaseUserId id, ProfileQuery? query = null, CancellationToken ct = default)
    {
        var q = new QueryBuilder();
        query?.AddTo(q);
        return NoNulls((await FetchAsync(HttpMethod.Get, $"users/profile/{id}{q}", null, Json.ApiEnvelopeUserProfilesData, "get profiles", ct)).Profiles,
            "get profiles");
    }

    /// <inheritdoc />
    public async Task<Guid> AddProfileAsync(MemobaseUserId id, string content, string topic, string subTopic, CancellationToken ct = default)
    {
        var body = ProfileBody(content, topic, subTopic);
        return (await FetchAsync(HttpMethod.Post, $"users/profile/{id}", body, Json.ApiEnvelopeIdData, "add profile", ct)).Id;
    }

    /// <inheritdoc />
    public Task UpdateProfileAsync(MemobaseUserId id, Guid profileId, string content, string topic, string subTopic, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"users/profile/{id}/{profileId}", ProfileBody(content, topic, subTopic), Json.ApiEnvelopeJsonNode, "update profile", ct);

    /// <inheritdoc />
    public Task DeleteProfileAsync(MemobaseUserId id, Guid profileId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"users/profile/{id}/{profileId}", null, Json.ApiEnvelopeJsonNode, "delete profile", ct);

    // ---- context and events

    /// <inheritdoc />
    public async Task<string> GetContextAsync(MemobaseUserId id, ContextQuery? query = null, CancellationToken ct = default)
    {
        var q = new QueryBuilder();
        query?.AddTo(q);
        return (await FetchAsync(HttpMethod.Get, $"users/context/{id}{q}", null, Json.ApiEnvelopeContextData, "get context", ct)).Context;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UserEventData>> GetEventsAsync(MemobaseUserId id, int topK = 10, int? maxTokenSize = null, bool needSummary = false,
        CancellationToken ct = default)
    {
        var query = new QueryBuilder().Add("topk", topK).Add("max_token_size", maxTokenSize).Add("need_summary", needSummary);
        return NoNulls((await FetchAsync(HttpMethod.Get, $"users/event/{id}{query}", null, Json.ApiEnvelopeUserEventsData, "get events", ct)).Events,
            "get events");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UserEventData>> SearchEventsAsync(MemobaseUserId id, string query, int topK = 10, double similarityThreshold = 0.2,
        int timeRangeInDays = 180, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var q = new QueryBuilder().Add("query", query).Add("topk", topK).Add("similarity_threshold", similarityThreshold)
            .Add("time_range_in_days", timeRangeInDays);
        return NoNulls((await FetchAsync(HttpMethod.Get, $"users/event/search/{id}{q}", null, Json.ApiEnvelopeUserEventsData, "search events", ct)).Events,
            "search events");
    }

    // ---- project

    /// <inheritdoc />
    public async Task<string?> GetProfileConfigAsync(CancellationToken ct = default) =>
        (await FetchAsync(HttpMethod.Get, "project/profile_config", null, Json.ApiEnvelopeProfileConfigData, "get profile config", ct)).ProfileConfig is { Length: > 0 } config
            ? config
            : null;

    /// <inheritdoc />
    public Task UpdateProfileConfigAsync(string? profileConfig, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "project/profile_config", Body(new ProfileConfigData(profileConfig), Json.ProfileConfigData),
            Json.ApiEnvelopeJsonNode, "update profile config", ct);

    // ---- plumbing

    private const string InsertOperation = "insert blob";

    private static void CheckBlobType(string blobType)
    {
        if (!BlobType.All.Contains(blobType))
        {
            throw new ArgumentException($"Unknown blob type '{blobType}'; expected one of {string.Join(", ", BlobType.All)}", nameof(blobType));
        }
    }

    private static StringContent ProfileBody(string content, string topic, string subTopic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(subTopic);
        return Body(new ProfileDelta(content, new ProfileAttributes(topic, subTopic)), Json.ProfileDelta);
    }

    private static StringContent Body<T>(T value, JsonTypeInfo<T> type) =>
        new(JsonSerializer.Serialize(value, type), Encoding.UTF8, "application/json");

    /// <summary><see cref="SendAsync{T}"/> for a call whose answer must carry <c>data</c>: an answer without it is a transient failure.</summary>
    private async Task<T> FetchAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<ApiEnvelope<T>> type, string operation,
        CancellationToken ct) where T : class =>
        (await SendAsync(method, path, body, type, operation, ct, needsData: true))!;

    private async Task<T?> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<ApiEnvelope<T>> type, string operation,
        CancellationToken ct, bool needsData = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(_apiRoot, path)) { Content = body };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            text = await ReadAsync(response, operation, timeout.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            // Whether the request had left when the time ran out cannot be told: it may have been served.
            throw Fail(new MemobaseException(operation, MemobaseErrorKind.Transient,
                $"Memobase {operation} timed out after {_timeout.TotalSeconds:0.###} s", inner: e, outcomeUnknown: true));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            var sent = e is not HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError };
            var server = _apiRoot.GetLeftPart(UriPartial.Authority);
            var what = sent ? $"the connection to {server} was lost after the request was sent, so the outcome is unknown" : $"no answer from {server}";
            throw Fail(new MemobaseException(operation, MemobaseErrorKind.Transient, $"Memobase {operation} failed: {what} ({Redact(e.Message)})", inner: e,
                outcomeUnknown: sent));
        }
        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw Fail(HttpFailure(operation, response, text));
            }
            ApiEnvelope<T>? envelope;
            try
            {
                envelope = (ApiEnvelope<T>?)JsonSerializer.Deserialize(text, StrictAnswers.GetTypeInfo(type.Type));
            }
            catch (JsonException e)
            {
                // The reader's message is kept, redacted; the exception itself is not carried, as its message may quote the body.
                throw Fail(Unexpected(operation, $"a body that is not the API's envelope of the expected shape ({e.Message})", text));
            }
            if (envelope is null)
            {
                throw Fail(Unexpected(operation, "no envelope", text));
            }
            if (envelope.Errno != 0)
            {
                // Classified by what the server said; only what is shown is redacted.
                var shown = Shown(envelope.Errmsg);
                throw Fail(new MemobaseException(operation, ErrorClassifier.ForErrno(envelope.Errno, envelope.Errmsg, operation == InsertOperation),
                    $"Memobase {operation} failed: errno {envelope.Errno}: {shown}", 200, envelope.Errno, shown));
            }
            if (needsData && envelope.Data is null)
            {
                throw Fail(Unexpected(operation, "no data", text));
            }
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                ClientLog.Answered(_logger, operation, elapsed);
            }
            return envelope.Data;
        }
    }

    /// <summary>The body as text; a body that cannot be decoded (an unknown charset) is a transient failure, not an <see cref="InvalidOperationException"/>.</summary>
    private async Task<string> ReadAsync(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(ct);
        }
        catch (InvalidOperationException e)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw Fail(new MemobaseException(operation, MemobaseErrorKind.Transient,
                $"Memobase {operation} answered HTTP {status} with a body that cannot be read: {Redact(e.Message)}", status, inner: e,
                outcomeUnknown: status == 200));
        }
    }

    /// <summary>
    /// <paramref name="items"/>, unless the answer's list held a null: the reader's strictness stops at a list's items, and no
    /// caller should meet a null profile or event.
    /// </summary>
    private IReadOnlyList<T> NoNulls<T>(IReadOnlyList<T> items, string operation) where T : class =>
        items.Contains(null!) ? throw Fail(Unexpected(operation, "a list holding null", $"{items.Count} {typeof(T).Name} items")) : items;

    /// <summary>
    /// An HTTP 200 that is not the answer the call expects (not JSON, an HTML page, <c>data</c> missing or of another shape):
    /// nothing Memobase answers, so something in the way; the work may have been done, so its outcome is unknown.
    /// </summary>
    private MemobaseException Unexpected(string operation, string what, string text)
    {
        var shown = Shown(text);
        return new MemobaseException(operation, MemobaseErrorKind.Transient,
            $"Memobase {operation} answered HTTP 200 with {Redact(what)}: {shown}", 200, errmsg: shown, outcomeUnknown: true);
    }

    /// <summary>The failure an HTTP error answer means: classified by the raw <paramref name="text"/>, shown with the token redacted.</summary>
    private MemobaseException HttpFailure(string operation, HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        var (fromServer, detail, errno) = ServerJson(text);
        var kind = ErrorClassifier.ForStatus(status, fromServer, detail);
        var hint = (kind, status) switch
        {
            (MemobaseErrorKind.Configuration, 404) => " (is the URL the Memobase server root?)",
            (MemobaseErrorKind.Configuration, 405) => " (is the server a Memobase of API 0.0.40?)",
            (MemobaseErrorKind.Configuration, _) => " (is the token right?)",
            (MemobaseErrorKind.Transient, 404 or 405) => " (not Memobase's answer: a proxy in the way?)",
            _ => "",
        };
        var shown = Shown(detail ?? text);
        return new MemobaseException(operation, kind, $"Memobase {operation} failed: HTTP {status}{hint}: {shown}", status, errno, shown,
            RetryAfter(response));
    }

    /// <summary>
    /// Whether <paramref name="text"/> is the server's JSON error (FastAPI's <c>{"detail": ...}</c> or the envelope), with its
    /// message (<c>errmsg</c>, or <c>detail</c>: as is when a string, else as JSON) and errno. Anything else (a proxy's page,
    /// a plain-text 500, JSON of another shape) is not.
    /// </summary>
    private static (bool FromServer, string? Detail, int? Errno) ServerJson(string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return (false, null, null);
        }
        if (node is not JsonObject json || !(json.ContainsKey("detail") || json.ContainsKey("errno")))
        {
            return (false, null, null);
        }
        var errno = json["errno"] is JsonValue e && e.TryGetValue<int>(out var n) ? n : (int?)null;
        return (true, AsText(json["errmsg"]) ?? AsText(json["detail"]), errno);
    }

    private static string? AsText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    /// <summary>The server's <c>Retry-After</c> within [0, <see cref="MemobaseClientOptions.MaxRetryAfter"/>]; none when absent or unreadable.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var asked = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        return asked is { } wait ? TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, _maxRetryAfter.Ticks)) : null;
    }

    /// <summary>What the server said as an error shows it: the token removed first (a cut could split it), then at most 300 characters.</summary>
    private string Shown(string text)
    {
        var redacted = Redact(text);
        return redacted.Length <= 300 ? redacted : redacted[..300] + "…";
    }

    /// <summary>Removes the token from anything the server or the network stack said, in case it was echoed.</summary>
    private string Redact(string text) => text.Replace(_token, "***", StringComparison.Ordinal);

    private MemobaseException Fail(MemobaseException e)
    {
        if (e.Kind == MemobaseErrorKind.MissingUser)
        {
            // How a user's first turn finds out the user must be created: a normal step, not a failure.
            ClientLog.NoSuchUser(_logger, e.Operation);
            return e;
        }
        if (e.HttpStatus is null)
        {
            ClientLog.NoAnswer(_logger, e.Message, e.Kind);
        }
        else
        {
            ClientLog.Failed(_logger, e.Operation, e.Kind, e.HttpStatus, e.Errno, e.Errmsg);
        }
        MemobaseClientMetrics.Failed(e);
        return e;
    }
}
