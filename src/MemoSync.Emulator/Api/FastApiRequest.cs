using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MemoSync.Emulator.Api;

/// <summary>
/// Reads path, query and body parameters the way FastAPI and pydantic v2 do, collecting every
/// violation; <see cref="Problem"/> then answers HTTP 422 with FastAPI's own body.
/// </summary>
internal sealed class FastApiRequest(HttpContext context)
{
    private readonly JsonArray _errors = [];

    public bool Failed => _errors.Count > 0;

    public IResult Problem() => Results.Json(new JsonObject { ["detail"] = _errors.DeepClone() }, WireJson.Context.JsonObject, statusCode: 422);

    /// <summary>Records a violation at <paramref name="loc"/> (<c>["body", "id"]</c>, say: strings and indexes, as JSON values).</summary>
    public void Error(string type, JsonNode[] loc, string msg, JsonNode? input, JsonObject? ctx = null)
    {
        var error = new JsonObject { ["type"] = type, ["loc"] = new JsonArray(loc), ["msg"] = msg, ["input"] = input };
        if (ctx is not null)
        {
            error["ctx"] = ctx;
        }
        // The JsonNode overload: the generic one serializes by reflection, which a native build cannot.
        _errors.Add((JsonNode)error);
    }

    /// <summary>A path id: a UUID of version 4 or 5, as the server's <c>UUID4 | UUID5</c> type demands.</summary>
    public Guid PathId(string name) => Uuid(context.Request.RouteValues[name] as string ?? "", ["path", name]);

    public Guid Uuid(string text, JsonNode[] loc)
    {
        if (!Guid.TryParse(text, out var id))
        {
            Error("uuid_parsing", loc, "Input should be a valid UUID, unable to parse string as a UUID", text);
            return Guid.Empty;
        }
        if (id.Version is not (4 or 5))
        {
            Error("uuid_version", loc, "UUID version 4 or 5 expected", text, new JsonObject { ["expected_version"] = "4 or 5" });
        }
        return id;
    }

    /// <summary>A path segment that must be one of <paramref name="allowed"/> (a pydantic enum).</summary>
    public string PathEnum(string name, IReadOnlyList<string> allowed) =>
        Enum(context.Request.RouteValues[name] as string ?? "", allowed, ["path", name]);

    /// <summary>A value of a pydantic enum (<c>BlobType</c>): error type <c>enum</c>.</summary>
    public string Enum(string value, IReadOnlyList<string> allowed, JsonNode[] loc) => OneOf("enum", value, allowed, loc);

    /// <summary>A value of a <c>Literal[...]</c> parameter: the same message, error type <c>literal_error</c>.</summary>
    public string Literal(string value, IReadOnlyList<string> allowed, JsonNode[] loc) => OneOf("literal_error", value, allowed, loc);

    private string OneOf(string type, string value, IReadOnlyList<string> allowed, JsonNode[] loc)
    {
        if (!allowed.Contains(value))
        {
            var expected = string.Join(", ", allowed.SkipLast(1).Select(a => $"'{a}'")) + $" or '{allowed[^1]}'";
            Error(type, loc, $"Input should be {expected}", value, new JsonObject { ["expected"] = expected });
        }
        return value;
    }

    public string? QueryString(string name) => context.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public IReadOnlyList<string> QueryList(string name) =>
        context.Request.Query.TryGetValue(name, out var v) ? v.Where(s => s is not null).Select(s => s!).ToList() : [];

    public string QueryRequired(string name)
    {
        var value = QueryString(name);
        if (value is null)
        {
            Error("missing", ["query", name], "Field required", null);
        }
        return value ?? "";
    }

    public int? QueryInt(string name) =>
        QueryParsed<int>(name, text => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : (int?)null,
            "int_parsing", "Input should be a valid integer, unable to parse string as an integer");

    public double? QueryNumber(string name) =>
        QueryParsed<double>(name, text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null,
            "float_parsing", "Input should be a valid number, unable to parse string as a number");

    private T? QueryParsed<T>(string name, Func<string, T?> parse, string type, string msg)
        where T : struct
    {
        var text = QueryString(name);
        if (text is null)
        {
            return null;
        }
        var value = parse(text);
        if (value is null)
        {
            Error(type, ["query", name], msg, text);
        }
        return value;
    }

    public bool QueryBool(string name, bool fallback)
    {
        var text = QueryString(name);
        switch (text?.ToLowerInvariant())
        {
            case null:
                return fallback;
            case "true" or "1" or "yes" or "on" or "t" or "y":
                return true;
            case "false" or "0" or "no" or "off" or "f" or "n":
                return false;
            default:
                Error("bool_parsing", ["query", name], "Input should be a valid boolean, unable to interpret input", text);
                return fallback;
        }
    }

    /// <summary>The JSON body as an object; a missing, malformed or non-object body is a 422 like FastAPI's.</summary>
    public async Task<JsonObject> BodyAsync(CancellationToken ct)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (text.Length == 0)
        {
            Error("missing", ["body"], "Field required", null);
            return [];
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            Error("json_invalid", ["body", (int)(e.BytePositionInLine ?? 0)], "JSON decode error", new JsonObject(),
                new JsonObject { ["error"] = e.Message });
            return [];
        }
        if (node is JsonObject body)
        {
            return body;
        }
        Error("model_attributes_type", ["body"], "Input should be a valid dictionary or object to extract fields from", node?.DeepClone());
        return [];
    }

    /// <summary>A required object field of the body.</summary>
    public JsonObject RequiredObject(JsonObject body, string name)
    {
        if (!body.ContainsKey(name))
        {
            Error("missing", ["body", name], "Field required", body.DeepClone());
            return [];
        }
        return OptionalObject(body, name) ?? [];
    }

    /// <summary>An optional object field of the body (absent or null gives null).</summary>
    public JsonObject? OptionalObject(JsonObject body, string name)
    {
        var node = body[name];
        if (node is null or JsonObject)
        {
            return node?.AsObject();
        }
        Error("dict_type", ["body", name], "Input should be a valid dictionary", node.DeepClone());
        return null;
    }

    /// <summary>A required string field of the body that must be one of <paramref name="allowed"/>.</summary>
    public string RequiredEnum(JsonObject body, string name, IReadOnlyList<string> allowed)
    {
        var value = StringField(body, name, required: true);
        return value is null ? "" : Enum(value, allowed, ["body", name]);
    }

    /// <summary>A string field of the body; required ones report a missing value.</summary>
    public string? StringField(JsonObject body, string name, bool required)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            if (required)
            {
                Error("missing", ["body", name], "Field required", body.DeepClone());
            }
            return null;
        }
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }
        Error("string_type", ["body", name], "Input should be a valid string", node.DeepClone());
        return null;
    }
}
