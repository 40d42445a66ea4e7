using System.Text.Json.Nodes;
using MemoSync.Memobase.Models;

namespace MemoSync.Memobase.Tests;

/// <summary>Every call of <see cref="MemobaseClient"/>, by the operation its failures name, with arguments it accepts.</summary>
internal static class ClientCalls
{
    private static readonly MemobaseUserId User = MemobaseUserId.FromGuid(Guid.NewGuid());
    private static readonly ChatMessage[] Turn = [new(ChatMessage.UserRole, "hello")];

    /// <summary>Calls that send one request, by its operation.</summary>
    public static readonly IReadOnlyDictionary<string, Func<MemobaseClient, Task>> Single = new Dictionary<string, Func<MemobaseClient, Task>>
    {
        ["healthcheck"] = c => c.HealthCheckAsync(),
        ["create user"] = c => c.CreateUserAsync(User),
        ["get user"] = c => c.GetUserAsync(User),
        ["update user"] = c => c.UpdateUserAsync(User, new JsonObject { ["name"] = "alice" }),
        ["delete user"] = c => c.DeleteUserAsync(User),
        ["insert blob"] = c => c.InsertChatBlobAsync(User, Turn),
        ["get blob"] = c => c.GetBlobAsync(User, Guid.NewGuid()),
        ["delete blob"] = c => c.DeleteBlobAsync(User, Guid.NewGuid()),
        ["list blobs"] = c => c.ListBlobIdsAsync(User),
        ["flush buffer"] = c => c.FlushBufferAsync(User),
        ["buffer capacity"] = c => c.GetBufferCapacityAsync(User),
        ["get profiles"] = c => c.GetProfilesAsync(User),
        ["add profile"] = c => c.AddProfileAsync(User, "plays tennis", "interest", "sports"),
        ["update profile"] = c => c.UpdateProfileAsync(User, Guid.NewGuid(), "plays tennis", "interest", "sports"),
        ["delete profile"] = c => c.DeleteProfileAsync(User, Guid.NewGuid()),
        ["get context"] = c => c.GetContextAsync(User),
        ["get events"] = c => c.GetEventsAsync(User),
        ["search events"] = c => c.SearchEventsAsync(User, "tennis"),
        ["get profile config"] = c => c.GetProfileConfigAsync(),
        ["update profile config"] = c => c.UpdateProfileConfigAsync("profiles: []"),
    };

    /// <summary>Calls that need <c>data</c> in the answer.</summary>
    public static readonly string[] NeedingData =
        ["create user", "get user", "insert blob", "get blob", "list blobs", "buffer capacity", "get profiles", "add profile", "get context", "get events",
            "search events", "get profile config"];

    /// <summary>Calls made of several requests: each failure names the one that failed.</summary>
    public static readonly IReadOnlyList<Func<MemobaseClient, Task>> Composite =
        [c => c.GetOrCreateUserAsync(User), c => c.FindBlobByFieldAsync(User, "memosync_turn_id", "t1", maxRequests: 3)];

    public static TheoryData<string> Operations(IEnumerable<string> names) => new(names);
}
