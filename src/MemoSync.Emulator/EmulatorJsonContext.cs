using System.Text.Json.Serialization;

namespace MemoSync.Emulator;

/// <summary>Source-generated JSON for the emulator's own documents (admin endpoints, query parameters).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(FaultSettings))]
[JsonSerializable(typeof(EmulatorStats))]
[JsonSerializable(typeof(Admin.Detail))]
[JsonSerializable(typeof(Chat.ScriptedChatSettings))]
[JsonSerializable(typeof(IReadOnlyList<Chat.ReceivedChatRequest>))]
[JsonSerializable(typeof(IReadOnlyList<Realtime.ReceivedRealtimeResponse>))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
