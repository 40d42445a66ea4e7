using System.Globalization;
using System.Text;
using System.Text.Json;
using MemoSync.Memobase.Models;

namespace MemoSync.Memobase.Queries;

/// <summary>Builds a query string the way FastAPI reads it: invariant numbers, lower-case booleans, repeated keys for lists.</summary>
internal sealed class QueryBuilder
{
    private readonly StringBuilder _text = new();

    public QueryBuilder Add(string name, string? value)
    {
        if (value is not null)
        {
            _text.Append(_text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        return this;
    }

    public QueryBuilder Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public QueryBuilder Add(string name, double? value) => Add(name, value?.ToString("R", CultureInfo.InvariantCulture));

    public QueryBuilder Add(string name, bool? value) => Add(name, value is null ? null : value.Value ? "true" : "false");

    public QueryBuilder AddAll(string name, IEnumerable<string>? values)
    {
        foreach (var value in values ?? [])
        {
            Add(name, value);
        }
        return this;
    }

    public QueryBuilder AddJson(string name, IReadOnlyDictionary<string, int>? value) =>
        Add(name, value is null ? null : JsonSerializer.Serialize(value.ToDictionary(), MemobaseJsonContext.Default.DictionaryStringInt32));

    /// <summary>Chats in the OpenAI message format the server parses from <c>chats_str</c>.</summary>
    public QueryBuilder AddChats(string name, IReadOnlyList<ChatMessage>? chats) =>
        Add(name, chats is null ? null : JsonSerializer.Serialize(chats, MemobaseJsonContext.Default.IReadOnlyListChatMessage));

    public override string ToString() => _text.ToString();
}
