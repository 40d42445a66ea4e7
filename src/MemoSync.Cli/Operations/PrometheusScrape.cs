using System.Globalization;

namespace MemoSync.Cli.Operations;

/// <summary>Sample values read from a Prometheus text page (the daemon's <c>--metrics-port</c>), summed over labels.</summary>
internal sealed class PrometheusScrape
{
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    private PrometheusScrape(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var nameEnd = line.IndexOfAny(['{', ' ']);
            var valueStart = line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : nameEnd;
            if (nameEnd > 0 && double.TryParse(line[valueStart..].Trim().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                _values[line[..nameEnd]] = _values.GetValueOrDefault(line[..nameEnd]) + value;
            }
        }
    }

    /// <summary>A sample's value (summed over its label sets), or null when the page has none.</summary>
    public double? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Reads <c>http://127.0.0.1:PORT/metrics</c>; null when the daemon does not answer.</summary>
    public static async Task<PrometheusScrape?> ReadAsync(HttpClient http, int port, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        try
        {
            return new PrometheusScrape(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"), ct));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
