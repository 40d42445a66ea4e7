using System.Text.Json.Serialization;
using MemoSync.Journal;

namespace MemoSync.Cli;

/// <summary>Source-generated JSON for what the commands print.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(JournalStatus))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
