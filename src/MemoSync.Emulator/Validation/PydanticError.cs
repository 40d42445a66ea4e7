using System.Text.Json.Nodes;

namespace MemoSync.Emulator.Validation;

/// <summary>
/// One validation failure as pydantic v2 reports it: FastAPI lists these in a 422 <c>detail</c>, and the
/// server quotes their text form in some errno messages ("Unable to parse blob: ...").
/// </summary>
/// <param name="Type">pydantic's error type, e.g. <c>missing</c>, <c>uuid_parsing</c>.</param>
/// <param name="Loc">Where: field names and list indexes, outermost first.</param>
/// <param name="Msg">The message, with its context filled in.</param>
/// <param name="Input">The value that failed (for a missing field, the object that lacks it).</param>
/// <param name="Ctx">The context of the message, when pydantic gives one.</param>
internal sealed record PydanticError(string Type, IReadOnlyList<object> Loc, string Msg, JsonNode? Input, JsonObject? Ctx = null)
{
    /// <summary>The same error, located under <paramref name="prefix"/> (e.g. <c>"body"</c>).</summary>
    public PydanticError Under(IReadOnlyList<object> prefix) => this with { Loc = [.. prefix, .. Loc] };

    /// <summary>The error as FastAPI writes it in a 422 body.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["type"] = Type,
            ["loc"] = new JsonArray([.. Loc.Select(l => l is int i ? JsonValue.Create(i) : (JsonNode)JsonValue.Create((string)l))]),
            ["msg"] = Msg,
            ["input"] = Input?.DeepClone(),
        };
        if (Ctx is not null)
        {
            json["ctx"] = Ctx.DeepClone();
        }
        return json;
    }
}
