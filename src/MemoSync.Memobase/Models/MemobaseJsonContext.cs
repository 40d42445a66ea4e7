using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MemoSync.Memobase.Models;

/// <summary>
/// Source-generated JSON metadata for every Memobase wire type, in the server's snake_case.
/// Shared by the client and the emulator so both speak one shape.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ApiEnvelope<JsonNode>))]
[JsonSerializable(typeof(ApiEnvelope<IdData>))]
[JsonSerializable(typeof(ApiEnvelope<IdsData>))]
[JsonSerializable(typeof(ApiEnvelope<UserData>))]
[JsonSerializable(typeof(ApiEnvelope<Blob>))]
[JsonSerializable(typeof(ApiEnvelope<BlobInsertData>))]
[JsonSerializable(typeof(ApiEnvelope<IReadOnlyList<ChatModalResult>>))]
[JsonSerializable(typeof(ApiEnvelope<UserProfilesData>))]
[JsonSerializable(typeof(ApiEnvelope<UserEventsData>))]
[JsonSerializable(typeof(ApiEnvelope<ContextData>))]
[JsonSerializable(typeof(ApiEnvelope<ProfileConfigData>))]
[JsonSerializable(typeof(IReadOnlyList<ChatMessage>))]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(Blob))]
[JsonSerializable(typeof(UserData))]
[JsonSerializable(typeof(ProfileConfigData))]
[JsonSerializable(typeof(ProfileDelta))]
[JsonSerializable(typeof(EventData))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class MemobaseJsonContext : JsonSerializerContext;
