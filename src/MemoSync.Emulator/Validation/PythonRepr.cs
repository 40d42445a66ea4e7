using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MemoSync.Emulator.Validation;

/// <summary>Python's <c>repr()</c> and type name of a JSON value once <c>json.loads</c> made it a Python object.</summary>
internal static class PythonRepr
{
    public static string Of(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(text, node);
        return text.ToString();
    }

    public static string TypeName(JsonNode? node) => node switch
    {
        null => "NoneType",
        JsonObject => "dict",
        JsonArray => "list",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "str",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => IsInteger(node.AsValue()) ? "int" : "float",
        },
    };

    private static bool IsInteger(JsonValue value) =>
        value.TryGetValue<JsonElement>(out var e) ? e.GetRawText().All(c => char.IsAsciiDigit(c) || c == '-') : value.TryGetValue<long>(out _);

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("None");
                break;
            case JsonObject obj:
                text.Append('{');
                text.AppendJoin(", ", obj.Select(p => $"{Str(p.Key)}: {Of(p.Value)}"));
                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                text.AppendJoin(", ", array.Select(Of));
                text.Append(']');
                break;
            default:
                text.Append(node.GetValueKind() switch
                {
                    JsonValueKind.String => Str(node.GetValue<string>()),
                    JsonValueKind.True => "True",
                    JsonValueKind.False => "False",
                    _ => Number(node.AsValue()),
                });
                break;
        }
    }

    private static string Number(JsonValue value)
    {
        if (IsInteger(value))
        {
            return value.ToJsonString();
        }
        var d = value.GetValue<double>();
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E', StringComparison.Ordinal))
        {
            // Python writes 1e-05 where .NET writes 1E-05.
            var parts = r.Split('E');
            var exponent = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture, $"{parts[0]}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}");
        }
        return r.Contains('.', StringComparison.Ordinal) || double.IsInfinity(d) || double.IsNaN(d) ? r : r + ".0";
    }

    /// <summary>A str's repr: single quotes unless the text holds one and no double quote.</summary>
    public static string Str(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var text = new StringBuilder(s.Length + 2).Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '\n': text.Append(@"\n"); break;
                case '\r': text.Append(@"\r"); break;
                case '\t': text.Append(@"\t"); break;
                default:
                    if (c == quote)
                    {
                        text.Append('\\').Append(c);
                    }
                    else if (c < ' ' || c == '\x7f')
                    {
                        text.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        return text.Append(quote).ToString();
    }
}
