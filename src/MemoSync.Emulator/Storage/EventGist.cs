using System.Globalization;
using System.Text.Json.Nodes;

namespace MemoSync.Emulator.Storage;

/// <summary>A line of an event's tip, kept to be searched on its own (the server's <c>UserEventGistData</c>).</summary>
internal sealed record EventGist(Guid Id, string Content, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public JsonObject ToJson(double similarity) => new()
    {
        ["id"] = Id.ToString(),
        ["gist_data"] = new JsonObject { ["content"] = Content },
        ["created_at"] = CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        ["updated_at"] = UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
        ["similarity"] = similarity,
    };
}
