using System.Text.Json.Nodes;

namespace MemoSync.Memobase.Models;

/// <summary>A Memobase user (<c>UserData</c>).</summary>
/// <param name="Data">Free JSON the application keeps with the user.</param>
/// <param name="Id">The user id (UUID v4 or v5); chosen by the server when created without one.</param>
/// <param name="CreatedAt">Set by the server.</param>
/// <param name="UpdatedAt">Set by the server.</param>
public sealed record UserData(
    JsonObject? Data = null,
    Guid? Id = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? UpdatedAt = null);
