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
public sealed class MemobaseClient
{
    private static readonly MemobaseJsonContext Json = MemobaseJsonContext.Default;
    private readonly HttpClient _http;
    private readonly Uri _apiRoot;
    private readonly string _token;
    private readonly TimeSpan _timeout;
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
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>How long one request waits for its answer (<see cref="MemobaseClientOptions.Timeout"/>).</summary>
    public TimeSpan Timeout => _timeout;

    /// <summary>The API root every path is relative to, e.g. <c>http://localhost:8019/api/v1/</c>.</summary>
    public Uri ApiRoot => _apiRoot;

    // ---- health

    /// <summary><c>GET /healthcheck</c>: throws unless the server answers that it is healthy.</summary>
    public Task HealthCheckAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "healthcheck", null, Json.ApiEnvelopeJsonNode, "healthcheck", ct);

    // ---- users

    /// <summary><c>POST /users</c>: creates a user, with the given id or one chosen by the server.</summary>
    public async Task<MemobaseUserId> CreateUserAsync(MemobaseUserId? id = null, JsonObject? data = null, CancellationToken ct = default)
    {
        var body = Body(new UserData(data, id?.Value), Json.UserData);
        var created = await SendAsync(HttpMethod.Post, "users", body, Json.ApiEnvelopeIdData, "create user", ct);
        return MemobaseUserId.FromGuid(created!.Id);
    }

    /// <summary><c>GET /users/{user_id}</c>; a missing user is a <see cref="MemobaseErrorKind.MissingUser"/> failure.</summary>
    public async Task<UserData> GetUserAsync(MemobaseUserId id, CancellationToken ct = default) =>
        (await SendAsync(HttpMethod.Get, $"users/{id}", null, Json.ApiEnvelopeUserData, "get user", ct))!;

    /// <summary>Gets the user, creating it (with <paramref name="data"/>) when it does not exist.</summary>
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

    /// <summary><c>PUT /users/{user_id}</c>: replaces the user's data.</summary>
    public Task UpdateUserAsync(MemobaseUserId id, JsonObject data, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"users/{id}", Body(data, Json.JsonObject), Json.ApiEnvelopeIdData, "update user", ct);

    /// <summary><c>DELETE /users/{user_id}</c>: deletes the user with its blobs, profiles and events.</summary>
    public Task DeleteUserAsync(MemobaseUserId id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"users/{id}", null, Json.ApiEnvelopeJsonNode, "delete user", ct);

    // ---- blobs

    /// <summary>Inserts a chat blob: the messages with their own <c>created_at</c>, and free <paramref name="fields"/>.</summary>
    /// <exception cref="ArgumentException">No messages, or a message the server would refuse (role, empty content).</exception>
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

    /// <summary><c>POST /blobs/insert/{user_id}</c>: inserts a blob of any type.</summary>
    public async Task<BlobInsertData> InsertBlobAsync(MemobaseUserId id, Blob blob, bool waitProcess = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var query = new QueryBuilder().Add("wait_process", waitProcess);
        return (await SendAsync(HttpMethod.Post, $"blobs/insert/{id}{query}", Body(blob, Json.Blob), Json.ApiEnvelopeBlobInsertData, InsertOperation, ct))!;
    }

    /// <summary><c>GET /blobs/{user_id}/{blob_id}</c>.</summary>
    public async Task<Blob> GetBlobAsync(MemobaseUserId id, Guid blobId, CancellationToken ct = default) =>
        (await SendAsync(HttpMethod.Get, $"blobs/{id}/{blobId}", null, Json.ApiEnvelopeBlob, "get blob", ct))!;

    /// <summary><c>DELETE /blobs/{user_id}/{blob_id}</c>.</summary>
    public Task DeleteBlobAsync(MemobaseUserId id, Guid blobId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"blobs/{id}/{blobId}", null, Json.ApiEnvelopeJsonNode, "delete blob", ct);

    /// <summary><c>GET /users/blobs/{user_id}/{blob_type}</c>: one page of blob ids, oldest first.</summary>
    public async Task<IReadOnlyList<Guid>> ListBlobIdsAsync(MemobaseUserId id, string blobType = BlobType.Chat, int page = 0, int pageSize = 10,
        CancellationToken ct = default)
    {
        CheckBlobType(blobType);
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var query = new QueryBuilder().Add("page", page).Add("page_size", pageSize);
        return (await SendAsync(HttpMethod.Get, $"users/blobs/{id}/{blobType}{query}", null, Json.ApiEnvelopeIdsData, "list blobs", ct))!.Ids;
    }

    // ---- buffer

    /// <summary><c>POST /users/buffer/{user_id}/{buffer_type}</c>: processes the buffer now; with <paramref name="waitProcess"/>, returns what it changed.</summary>
    public async Task<IReadOnlyList<ChatModalResult>> FlushBufferAsync(MemobaseUserId id, string blobType = BlobType.Chat, bool waitProcess = false,
        CancellationToken ct = default)
    {
        CheckBlobType(blobType);
        var query = new QueryBuilder().Add("wait_process", waitProcess);
        return await SendAsync(HttpMethod.Post, $"users/buffer/{id}/{blobType}{query}", null, Json.ApiEnvelopeIReadOnlyListChatModalResult, "flush buffer", ct)
            ?? [];
    }

    /// <summary><c>GET /users/buffer/capacity/{user_id}/{buffer_type}</c>: ids of the buffered blobs in <paramref name="status"/>.</summary>
    public async Task<IReadOnlyList<Guid>> GetBufferCapacityAsync(MemobaseUserId id, string blobType = BlobType.Chat,
        string status = BufferStatus.Processing, CancellationToken ct = default)
    {
        CheckBlobType(blobType);
        if (status is not (BufferStatus.Idle or BufferStatus.Processing or BufferStatus.Failed or BufferStatus.Done))
        {
            throw new ArgumentException($"Buffer status must be idle, processing, failed or done, got '{status}'", nameof(status));
        }
        var query = new QueryBuilder().Add("status", status);
        return (await SendAsync(HttpMethod.Get, $"users/buffer/capacity/{id}/{blobType}{query}", null, Json.ApiEnvelopeIdsData, "buffer capacity", ct))!.Ids;
    }

    // ---- profiles

    /// <summary><c>GET /users/profile/{user_id}</c> with the server's filters.</summary>
    public async Task<IReadOnlyList<ProfileData>> GetProfilesAsync(MemobaseUserId id, ProfileQuery? query = null, CancellationToken ct = default)
    {
        var q = new QueryBuilder();
        query?.AddTo(q);
        return (await SendAsync(HttpMethod.Get, $"users/profile/{id}{q}", null, Json.ApiEnvelopeUserProfilesData, "get profiles", ct))!.Profiles;
    }

    /// <summary><c>POST /users/profile/{user_id}</c>: adds a profile and returns its id.</summary>
    public async Task<Guid> AddProfileAsync(MemobaseUserId id, string content, string topic, string subTopic, CancellationToken ct = default)
    {
        var body = ProfileBody(content, topic, subTopic);
        return (await SendAsync(HttpMethod.Post, $"users/profile/{id}", body, Json.ApiEnvelopeIdData, "add profile", ct))!.Id;
    }

    /// <summary><c>PUT /users/profile/{user_id}/{profile_id}</c>.</summary>
    public Task UpdateProfileAsync(MemobaseUserId id, Guid profileId, string content, string topic, string subTopic, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"users/profile/{id}/{profileId}", ProfileBody(content, topic, subTopic), Json.ApiEnvelopeJsonNode, "update profile", ct);

    /// <summary><c>DELETE /users/profile/{user_id}/{profile_id}</c>.</summary>
    public Task DeleteProfileAsync(MemobaseUserId id, Guid profileId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"users/profile/{id}/{profileId}", null, Json.ApiEnvelopeJsonNode, "delete profile", ct);

    // ---- context and events

    /// <summary><c>GET /users/context/{user_id}</c>: the prompt section built from the user's memory.</summary>
    public async Task<string> GetContextAsync(MemobaseUserId id, ContextQuery? query = null, CancellationToken ct = default)
    {
        var q = new QueryBuilder();
        query?.AddTo(q);
        return (await SendAsync(HttpMethod.Get, $"users/context/{id}{q}", null, Json.ApiEnvelopeContextData, "get context", ct))!.Context;
    }

    /// <summary><c>GET /users/event/{user_id}</c>: the latest events.</summary>
    public async Task<IReadOnlyList<UserEventData>> GetEventsAsync(MemobaseUserId id, int topK = 10, int? maxTokenSize = null, bool needSummary = false,
        CancellationToken ct = default)
    {
        var query = new QueryBuilder().Add("topk", topK).Add("max_token_size", maxTokenSize).Add("need_summary", needSummary);
        return (await SendAsync(HttpMethod.Get, $"users/event/{id}{query}", null, Json.ApiEnvelopeUserEventsData, "get events", ct))!.Events;
    }

    /// <summary><c>GET /users/event/search/{user_id}</c>: events related to <paramref name="query"/>.</summary>
    public async Task<IReadOnlyList<UserEventData>> SearchEventsAsync(MemobaseUserId id, string query, int topK = 10, double similarityThreshold = 0.2,
        int timeRangeInDays = 180, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var q = new QueryBuilder().Add("query", query).Add("topk", topK).Add("similarity_threshold", similarityThreshold)
            .Add("time_range_in_days", timeRangeInDays);
        return (await SendAsync(HttpMethod.Get, $"users/event/search/{id}{q}", null, Json.ApiEnvelopeUserEventsData, "search events", ct))!.Events;
    }

    // ---- project

    /// <summary><c>GET /project/profile_config</c>: the project's profile configuration (YAML), or null.</summary>
    public async Task<string?> GetProfileConfigAsync(CancellationToken ct = default) =>
        (await SendAsync(HttpMethod.Get, "project/profile_config", null, Json.ApiEnvelopeProfileConfigData, "get profile config", ct))!.ProfileConfig;

    /// <summary><c>POST /project/profile_config</c>: replaces the project's profile configuration.</summary>
    public Task UpdateProfileConfigAsync(string? profileConfig, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "project/profile_config", Body(new ProfileConfigData(profileConfig), Json.ProfileConfigData),
            Json.ApiEnvelopeJsonNode, "update profile config", ct);

    /// <summary>
    /// Looks among the user's blobs of <paramref name="blobType"/> for one whose <c>fields[field]</c> is <paramref name="value"/>,
    /// with at most <paramref name="maxRequests"/> requests; null when none was found within them, or the user is unknown.
    /// </summary>
    public async Task<Guid?> FindBlobByFieldAsync(MemobaseUserId id, string field, string value, string blobType = BlobType.Chat, int maxRequests = 20,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRequests, 2);
        IReadOnlyList<Guid> ids;
        try
        {
            ids = await ListBlobIdsAsync(id, blobType, 0, maxRequests - 1, ct);
        }
        catch (MemobaseException e) when (e.Kind == MemobaseErrorKind.MissingUser)
        {
            return null;
        }
        foreach (var blobId in ids.Reverse())
        {
            if ((await GetBlobAsync(id, blobId, ct)).Fields?[field] is JsonValue stored && stored.TryGetValue<string>(out var text) && text == value)
            {
                return blobId;
            }
        }
        return null;
    }

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

    private async Task<T?> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<ApiEnvelope<T>> type, string operation,
        CancellationToken ct)
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
            text = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Fail(new MemobaseException(operation, MemobaseErrorKind.Transient,
                $"Memobase {operation} timed out after {_timeout.TotalSeconds:0.###} s", inner: e));
        }
        catch (HttpRequestException e)
        {
            throw Fail(new MemobaseException(operation, MemobaseErrorKind.Transient,
                $"Memobase {operation} failed: no answer from {_apiRoot.GetLeftPart(UriPartial.Authority)} ({Redact(e.Message)})", inner: e));
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
                envelope = JsonSerializer.Deserialize(text, type);
            }
            catch (JsonException e)
            {
                throw Fail(new MemobaseException(operation, MemobaseErrorKind.Transient,
                    $"Memobase {operation} answered HTTP 200 with a body that is not the API's envelope: {e.Message}", 200, inner: e));
            }
            if (envelope is null || envelope.Errno != 0)
            {
                var errno = envelope?.Errno ?? 500;
                // Classified by what the server said; only what is shown is redacted.
                var errmsg = envelope?.Errmsg ?? "empty answer";
                var shown = Redact(errmsg);
                throw Fail(new MemobaseException(operation, ErrorClassifier.ForErrno(errno, errmsg, operation == InsertOperation),
                    $"Memobase {operation} failed: errno {errno}: {shown}", 200, errno, shown));
            }
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                ClientLog.Answered(_logger, operation, elapsed);
            }
            return envelope.Data;
        }
    }

    /// <summary>The failure an HTTP error answer means: classified by the raw <paramref name="text"/>, shown with the token redacted.</summary>
    private MemobaseException HttpFailure(string operation, HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        string? detail = null;
        int? errno = null;
        try
        {
            var node = JsonNode.Parse(text);
            detail = node?["errmsg"]?.GetValue<string>() ?? node?["detail"]?.ToJsonString();
            errno = node?["errno"]?.GetValue<int>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // Not JSON (a proxy's page, a plain-text 500): the status alone classifies it.
        }
        var notFoundRoot = status == 404 && detail == "\"Not Found\"";
        var kind = ErrorClassifier.ForStatus(status, notFoundRoot);
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        var hint = kind == MemobaseErrorKind.Configuration
            ? status == 404 ? " (is the URL the Memobase server root?)" : " (is the token right?)"
            : "";
        var shown = Redact(detail ?? Truncate(text));
        return new MemobaseException(operation, kind, $"Memobase {operation} failed: HTTP {status}{hint}: {shown}", status, errno, shown, retryAfter);
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>Removes the token from anything the server or the network stack said, in case it was echoed.</summary>
    private string Redact(string text) => text.Replace(_token, "***", StringComparison.Ordinal);

    private MemobaseException Fail(MemobaseException e)
    {
        ClientLog.Failed(_logger, e.Operation, e.Kind, e.HttpStatus, e.Errno, e.Errmsg);
        MemobaseClientMetrics.Failed(e);
        return e;
    }
}
