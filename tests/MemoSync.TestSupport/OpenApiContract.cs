using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Validation;

namespace MemoSync.TestSupport;

/// <summary>
/// Memobase's OpenAPI document (spec/memobase-openapi.json) as a checker of exchanges: path and
/// query parameters, request bodies, and the bodies of successful answers.
/// </summary>
public sealed class OpenApiContract
{
    private static readonly Lazy<OpenApiContract> Shared = new(() => new OpenApiContract(SpecPath()));
    private readonly JsonObject _spec;
    private readonly List<Operation> _operations;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    private OpenApiContract(string path)
    {
        _spec = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        _operations = [.. _spec["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => new Operation(m.Key.ToUpperInvariant(), p.Key, m.Value!.AsObject())))
            // Literal segments win over templates, as in the server's router.
            .OrderBy(o => o.Template.Count(c => c == '{'))];
    }

    /// <summary>The document, loaded once.</summary>
    public static OpenApiContract Instance => Shared.Value;

    /// <summary>Every way <paramref name="exchange"/> departs from the document; empty when it conforms.</summary>
    public IReadOnlyList<string> Check(Exchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var path = exchange.Uri.AbsolutePath;
        var operation = _operations.FirstOrDefault(o => o.Method == exchange.Method && o.Matches(path));
        if (operation is null)
        {
            return [$"{exchange.Method} {path}: no such operation in the document"];
        }
        var where = $"{operation.Method} {operation.Template}";
        var problems = new List<string>();
        var pathValues = operation.PathValues(path);
        var query = System.Web.HttpUtility.ParseQueryString(exchange.Uri.Query);
        foreach (var parameter in operation.Parameters)
        {
            var name = (string)parameter["name"]!;
            var schema = parameter["schema"]!;
            if ((string?)parameter["in"] == "path")
            {
                CheckScalar(problems, $"{where}: path {name}", pathValues[name], schema);
            }
            else if (query.GetValues(name) is { } values)
            {
                foreach (var value in values)
                {
                    CheckScalar(problems, $"{where}: query {name}", value, schema["items"] ?? schema);
                }
            }
            else if (parameter["required"]?.GetValue<bool>() == true)
            {
                problems.Add($"{where}: query {name} is required");
            }
        }
        var known = operation.Parameters.Select(p => (string)p["name"]!).ToHashSet();
        problems.AddRange(query.AllKeys.Where(k => k is not null && !known.Contains(k)).Select(k => $"{where}: unknown query parameter {k}"));

        var requestSchema = operation.Node["requestBody"]?["content"]?["application/json"]?["schema"];
        if (requestSchema is not null)
        {
            if (exchange.RequestBody is null)
            {
                problems.Add($"{where}: the request has no body");
            }
            else
            {
                problems.AddRange(Validate(requestSchema, exchange.RequestBody, $"{where}: request"));
            }
        }
        if (exchange.Status == 200 && IsSuccessEnvelope(exchange.ResponseBody))
        {
            var responseSchema = operation.Node["responses"]?["200"]?["content"]?["application/json"]?["schema"];
            if (responseSchema is not null)
            {
                problems.AddRange(Validate(responseSchema, exchange.ResponseBody, $"{where}: response"));
            }
        }
        return problems;
    }

    /// <summary>Checks every exchange and throws one exception listing all departures.</summary>
    public void AssertAll(IEnumerable<Exchange> exchanges)
    {
        var problems = exchanges.SelectMany(Check).Distinct().ToList();
        if (problems.Count > 0)
        {
            throw new ContractViolationException(problems);
        }
    }

    private static bool IsSuccessEnvelope(string body) =>
        JsonNode.Parse(body) is JsonObject o && o["errno"] is JsonValue v && v.GetValue<int>() == 0;

    private IEnumerable<string> Validate(JsonNode schema, string json, string where)
    {
        var compiled = _schemas.GetOrAdd(schema.ToJsonString(), _ =>
        {
            // NJsonSchema resolves references into "definitions", so the components move there; the
            // schema sits under allOf because siblings of a root "$ref" are ignored.
            var document = new JsonObject
            {
                ["allOf"] = new JsonArray(schema.DeepClone()),
                ["definitions"] = _spec["components"]!["schemas"]!.DeepClone(),
            };
            var json = document.ToJsonString().Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
            return JsonSchema.FromJsonAsync(json).GetAwaiter().GetResult();
        });
        var settings = new JsonSchemaValidatorSettings();
        settings.AddCustomFormatValidator(new UuidVersionFormat("uuid4", 4));
        settings.AddCustomFormatValidator(new UuidVersionFormat("uuid5", 5));
        return new JsonSchemaValidator(settings).Validate(json, compiled).Select(e => $"{where}: {Describe(e)}");
    }

    private static string Describe(ValidationError error) => error switch
    {
        ChildSchemaValidationError child => $"{error.Path}: {error.Kind} ({string.Join("; ", child.Errors.SelectMany(e => e.Value).Select(Describe))})",
        _ => $"{error.Path}: {error.Kind}",
    };

    private void CheckScalar(List<string> problems, string where, string value, JsonNode schema)
    {
        if (schema["anyOf"] is JsonArray choices)
        {
            var failures = choices.Select(c => { var p = new List<string>(); CheckScalar(p, where, value, c!); return p; }).ToList();
            if (failures.All(f => f.Count > 0))
            {
                problems.Add($"{where}: '{value}' matches none of {choices.ToJsonString()}");
            }
            return;
        }
        if (schema["$ref"] is JsonValue reference)
        {
            schema = _spec["components"]!["schemas"]![((string)reference!).Split('/')[^1]]!;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => a!.ToString() == value))
        {
            problems.Add($"{where}: '{value}' is not one of {allowed.ToJsonString()}");
        }
        var ok = (string?)schema["type"] switch
        {
            "integer" => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            "number" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            "boolean" => value is "true" or "false",
            _ => (string?)schema["format"] switch
            {
                "uuid4" => UuidVersionFormat.Is(value, 4),
                "uuid5" => UuidVersionFormat.Is(value, 5),
                _ => true,
            },
        };
        if (!ok)
        {
            problems.Add($"{where}: '{value}' is not a valid {(string?)schema["format"] ?? (string?)schema["type"]}");
        }
    }

    private static string SpecPath() => Path.Combine(Repository.Root, "spec", "memobase-openapi.json");

    private sealed class Operation(string method, string template, JsonObject node)
    {
        private readonly Regex _pattern = new("^" + Regex.Replace(Regex.Escape(template).Replace("\\{", "{", StringComparison.Ordinal), "{([a-z_]+)}", "(?<$1>[^/]+)") + "$");

        public string Method { get; } = method;
        public string Template { get; } = template;
        public JsonObject Node { get; } = node;
        public IReadOnlyList<JsonNode> Parameters { get; } = node["parameters"]?.AsArray().Select(p => p!).ToList() ?? [];

        public bool Matches(string path) => _pattern.IsMatch(path);

        public Dictionary<string, string> PathValues(string path)
        {
            var match = _pattern.Match(path);
            return _pattern.GetGroupNames().Where(n => !int.TryParse(n, out _)).ToDictionary(n => n, n => Uri.UnescapeDataString(match.Groups[n].Value));
        }
    }
}
