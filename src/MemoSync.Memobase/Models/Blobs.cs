using System.Text.Json.Nodes;

namespace MemoSync.Memobase.Models;

/// <summary>A blob as inserted and as read back (<c>BlobData</c> in the spec).</summary>
/// <param name="BlobType">One of <see cref="Models.BlobType"/>.</param>
/// <param name="BlobData">The type's content; for chat, <c>{"messages": [...]}</c>.</param>
/// <param name="Fields">Free JSON kept with the blob (MemoSync puts its turn id here).</param>
/// <param name="CreatedAt">Set by the server when read back.</param>
/// <param name="UpdatedAt">Set by the server when read back.</param>
public sealed record Blob(
    string BlobType,
    JsonObject BlobData,
    JsonObject? Fields = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? UpdatedAt = null);

/// <summary>The answer to a blob insert.</summary>
/// <param name="Id">The blob id chosen by the server.</param>
/// <param name="ChatResults">With <c>wait_process</c>, what processing the buffer produced.</param>
public sealed record BlobInsertData(Guid Id, IReadOnlyList<ChatModalResult>? ChatResults = null);

/// <summary>What processing a chat buffer changed in the user's memory.</summary>
/// <param name="EventId">The event recorded for the processed chats, if any.</param>
/// <param name="AddProfiles">Ids of profiles added.</param>
/// <param name="UpdateProfiles">Ids of profiles updated.</param>
/// <param name="DeleteProfiles">Ids of profiles deleted.</param>
public sealed record ChatModalResult(
    Guid? EventId,
    IReadOnlyList<Guid>? AddProfiles,
    IReadOnlyList<Guid>? UpdateProfiles,
    IReadOnlyList<Guid>? DeleteProfiles);

/// <summary>A single id (<c>IdData</c>).</summary>
/// <param name="Id">The id.</param>
public sealed record IdData(Guid Id);

/// <summary>A list of ids (<c>IdsData</c>).</summary>
/// <param name="Ids">The ids.</param>
public sealed record IdsData(IReadOnlyList<Guid> Ids);

/// <summary>The state of a buffered blob, for <c>GET /users/buffer/capacity</c>.</summary>
public static class BufferStatus
{
    /// <summary>Waiting in the buffer.</summary>
    public const string Idle = "idle";
    /// <summary>Being processed (the server's default filter).</summary>
    public const string Processing = "processing";
    /// <summary>Processing failed.</summary>
    public const string Failed = "failed";
    /// <summary>Processed.</summary>
    public const string Done = "done";
}
