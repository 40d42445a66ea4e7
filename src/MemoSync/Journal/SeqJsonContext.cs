using System.Text.Json.Serialization;

namespace MemoSync.Journal;

/// <summary>Serializes the row numbers a claim leases, and the ids a renewal extends, each handed to SQLite's <c>json_each</c> as one parameter.</summary>
[JsonSerializable(typeof(List<long>))]
[JsonSerializable(typeof(IEnumerable<string>))]
internal sealed partial class SeqJsonContext : JsonSerializerContext;
