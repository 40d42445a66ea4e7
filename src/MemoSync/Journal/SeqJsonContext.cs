using System.Text.Json.Serialization;

namespace MemoSync.Journal;

/// <summary>Serializes the row numbers a claim leases, handed to SQLite's <c>json_each</c> as one parameter.</summary>
[JsonSerializable(typeof(List<long>))]
internal sealed partial class SeqJsonContext : JsonSerializerContext;
