using System.Text.Json.Nodes;
using MemoSync.Memobase.Errors;
using MemoSync.Memobase.Models;
using MemoSync.Memobase.Queries;

namespace MemoSync.Memobase;

/// <summary>
/// The Memobase HTTP API 0.0.40, as <see cref="MemobaseClient"/> speaks it: every call either returns the payload or throws
/// a <see cref="MemobaseException"/> whose <see cref="MemobaseException.Kind"/> says what to do next. MemoSync depends on
/// this interface only, so an application can put its own implementation (or a decorator) in its place.
/// </summary>
public interface IMemobaseClient
{
    /// <summary>How long one request waits for its answer (<see cref="MemobaseClientOptions.Timeout"/>).</summary>
    TimeSpan Timeout { get; }

    /// <summary>The API root every path is relative to, e.g. <c>http://localhost:8019/api/v1/</c>.</summary>
    Uri ApiRoot { get; }

    /// <summary><c>GET /healthcheck</c>: throws unless the server answers that it is healthy.</summary>
    Task HealthCheckAsync(CancellationToken ct = default);

    /// <summary><c>POST /users</c>: creates a user, with the given id or one chosen by the server.</summary>
    Task<MemobaseUserId> CreateUserAsync(MemobaseUserId? id = null, JsonObject? data = null, CancellationToken ct = default);

    /// <summary><c>GET /users/{user_id}</c>; a missing user is a <see cref="MemobaseErrorKind.MissingUser"/> failure.</summary>
    Task<UserData> GetUserAsync(MemobaseUserId id, CancellationToken ct = default);

    /// <summary>Gets the user, creating it (with <paramref name="data"/>) when it does not exist.</summary>
    Task<UserData> GetOrCreateUserAsync(MemobaseUserId id, JsonObject? data = null, CancellationToken ct = default);

    /// <summary><c>PUT /users/{user_id}</c>: replaces the user's data.</summary>
    Task UpdateUserAsync(MemobaseUserId id, JsonObject data, CancellationToken ct = default);

    /// <summary><c>DELETE /users/{user_id}</c>: deletes the user with its blobs, profiles and events.</summary>
    Task DeleteUserAsync(MemobaseUserId id, CancellationToken ct = default);

    /// <summary>Inserts a chat blob: the messages with their own <c>created_at</c>, and free <paramref name="fields"/>.</summary>
    /// <exception cref="ArgumentException">No messages, or a message the server would refuse (role, empty content).</exception>
    Task<BlobInsertData> InsertChatBlobAsync(MemobaseUserId id, IReadOnlyList<ChatMessage> messages, JsonObject? fields = null,
        bool waitProcess = false, CancellationToken ct = default);

    /// <summary><c>POST /blobs/insert/{user_id}</c>: inserts a blob of any type.</summary>
    Task<BlobInsertData> InsertBlobAsync(MemobaseUserId id, Blob blob, bool waitProcess = false, CancellationToken ct = default);

    /// <summary><c>GET /blobs/{user_id}/{blob_id}</c>.</summary>
    Task<Blob> GetBlobAsync(MemobaseUserId id, Guid blobId, CancellationToken ct = default);

    /// <summary><c>DELETE /blobs/{user_id}/{blob_id}</c>.</summary>
    Task DeleteBlobAsync(MemobaseUserId id, Guid blobId, CancellationToken ct = default);

    /// <summary><c>GET /users/blobs/{user_id}/{blob_type}</c>: one page of blob ids, oldest first.</summary>
    Task<IReadOnlyList<Guid>> ListBlobIdsAsync(MemobaseUserId id, string blobType = BlobType.Chat, int page = 0, int pageSize = 10,
        CancellationToken ct = default);

    /// <summary>
    /// Finds the blob of the user whose <c>fields[<paramref name="field"/>]</c> is the string <paramref name="value"/>
    /// (for example the turn id MemoSync puts in <c>memosync_turn_id</c>), looking at the most recent blobs first, and
    /// returns its id; null when none is found within <paramref name="maxRequests"/> HTTP requests in all (list and get
    /// requests alike), or when the user does not exist. Chat blobs are deleted once their buffer is processed (unless the
    /// server keeps them, <c>persistent_chat_blobs</c>), so a blob not found may still have been delivered: a found blob
    /// proves a delivery, a missing one proves nothing. Blobs inserted or deleted meanwhile may be missed.
    /// </summary>
    /// <exception cref="MemobaseException">A list or get request failed (other than a blob gone since it was listed).</exception>
    Task<Guid?> FindBlobByFieldAsync(MemobaseUserId id, string field, string value, string blobType = BlobType.Chat, int maxRequests = 20,
        CancellationToken ct = default);

    /// <summary><c>POST /users/buffer/{user_id}/{buffer_type}</c>: processes the buffer now; with <paramref name="waitProcess"/>, returns what it changed.</summary>
    Task<IReadOnlyList<ChatModalResult>> FlushBufferAsync(MemobaseUserId id, string blobType = BlobType.Chat, bool waitProcess = false,
        CancellationToken ct = default);

    /// <summary><c>GET /users/buffer/capacity/{user_id}/{buffer_type}</c>: ids of the buffered blobs in <paramref name="status"/>.</summary>
    Task<IReadOnlyList<Guid>> GetBufferCapacityAsync(MemobaseUserId id, string blobType = BlobType.Chat,
        string status = BufferStatus.Processing, CancellationToken ct = default);

    /// <summary><c>GET /users/profile/{user_id}</c> with the server's filters.</summary>
    Task<IReadOnlyList<ProfileData>> GetProfilesAsync(MemobaseUserId id, ProfileQuery? query = null, CancellationToken ct = default);

    /// <summary><c>POST /users/profile/{user_id}</c>: adds a profile and returns its id.</summary>
    Task<Guid> AddProfileAsync(MemobaseUserId id, string content, string topic, string subTopic, CancellationToken ct = default);

    /// <summary><c>PUT /users/profile/{user_id}/{profile_id}</c>.</summary>
    Task UpdateProfileAsync(MemobaseUserId id, Guid profileId, string content, string topic, string subTopic, CancellationToken ct = default);

    /// <summary><c>DELETE /users/profile/{user_id}/{profile_id}</c>.</summary>
    Task DeleteProfileAsync(MemobaseUserId id, Guid profileId, CancellationToken ct = default);

    /// <summary><c>GET /users/context/{user_id}</c>: the prompt section built from the user's memory.</summary>
    Task<string> GetContextAsync(MemobaseUserId id, ContextQuery? query = null, CancellationToken ct = default);

    /// <summary><c>GET /users/event/{user_id}</c>: the latest events.</summary>
    Task<IReadOnlyList<UserEventData>> GetEventsAsync(MemobaseUserId id, int topK = 10, int? maxTokenSize = null, bool needSummary = false,
        CancellationToken ct = default);

    /// <summary><c>GET /users/event/search/{user_id}</c>: events related to <paramref name="query"/>.</summary>
    Task<IReadOnlyList<UserEventData>> SearchEventsAsync(MemobaseUserId id, string query, int topK = 10, double similarityThreshold = 0.2,
        int timeRangeInDays = 180, CancellationToken ct = default);

    /// <summary><c>GET /project/profile_config</c>: the project's profile configuration (YAML), or null when none is set (the server answers "").</summary>
    Task<string?> GetProfileConfigAsync(CancellationToken ct = default);

    /// <summary><c>POST /project/profile_config</c>: replaces the project's profile configuration.</summary>
    Task UpdateProfileConfigAsync(string? profileConfig, CancellationToken ct = default);
}
