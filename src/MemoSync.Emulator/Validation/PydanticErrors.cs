using System.Globalization;
using System.Text.Json.Nodes;

namespace MemoSync.Emulator.Validation;

/// <summary>pydantic v2's errors for the value types the server's models use, with its exact messages.</summary>
internal static class PydanticErrors
{
    public static PydanticError Missing(IReadOnlyList<object> loc, JsonNode? owner) => new("missing", loc, "Field required", owner);

    public static PydanticError StringType(IReadOnlyList<object> loc, JsonNode? input) =>
        new("string_type", loc, "Input should be a valid string", input);

    public static PydanticError DictType(IReadOnlyList<object> loc, JsonNode? input) =>
        new("dict_type", loc, "Input should be a valid dictionary", input);

    public static PydanticError ListType(IReadOnlyList<object> loc, JsonNode? input) =>
        new("list_type", loc, "Input should be a valid list", input);

    public static PydanticError IntType(IReadOnlyList<object> loc, JsonNode? input) =>
        new("int_type", loc, "Input should be a valid integer", input);

    public static PydanticError IntFromFloat(IReadOnlyList<object> loc, JsonNode? input) =>
        new("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", input);

    public static PydanticError IntParsing(IReadOnlyList<object> loc, JsonNode? input) =>
        new("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer", input);

    public static PydanticError FloatParsing(IReadOnlyList<object> loc, JsonNode? input) =>
        new("float_parsing", loc, "Input should be a valid number, unable to parse string as a number", input);

    public static PydanticError BoolParsing(IReadOnlyList<object> loc, JsonNode? input) =>
        new("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", input);

    /// <summary>A nested model given something other than an object (validated from a dict).</summary>
    public static PydanticError ModelType(IReadOnlyList<object> loc, JsonNode? input, string className) =>
        new("model_type", loc, $"Input should be a valid dictionary or instance of {className}", input,
            new JsonObject { ["class_name"] = className });

    /// <summary>A model FastAPI validates from attributes (request bodies) given something other than an object.</summary>
    public static PydanticError ModelAttributesType(IReadOnlyList<object> loc, JsonNode? input) =>
        new("model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from", input);

    /// <summary>A value outside a <c>StrEnum</c> (<c>enum</c>) or a <c>Literal</c> (<c>literal_error</c>).</summary>
    public static PydanticError NotOneOf(string type, IReadOnlyList<object> loc, JsonNode? input, IReadOnlyList<string> allowed)
    {
        var expected = allowed.Count == 1
            ? $"'{allowed[0]}'"
            : string.Join(", ", allowed.SkipLast(1).Select(a => $"'{a}'")) + $" or '{allowed[^1]}'";
        return new(type, loc, $"Input should be {expected}", input, new JsonObject { ["expected"] = expected });
    }

    public static PydanticError UuidParsing(IReadOnlyList<object> loc, JsonNode? input, string error) =>
        new("uuid_parsing", loc, $"Input should be a valid UUID, {error}", input, new JsonObject { ["error"] = error });

    public static PydanticError UuidType(IReadOnlyList<object> loc, JsonNode? input) =>
        new("uuid_type", loc, "UUID input should be a string, bytes or UUID object", input);

    public static PydanticError UuidVersion(IReadOnlyList<object> loc, JsonNode? input, int version) =>
        new("uuid_version", loc, string.Create(CultureInfo.InvariantCulture, $"UUID version {version} expected"), input,
            new JsonObject { ["expected_version"] = version });

    /// <summary>What FastAPI reports for a body that is not JSON: <paramref name="position"/> and Python's message.</summary>
    public static PydanticError JsonInvalid(int position, string message) =>
        new("json_invalid", ["body", position], "JSON decode error", new JsonObject(), new JsonObject { ["error"] = message });
}
