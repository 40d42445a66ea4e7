using System.Globalization;

namespace MemoSync.Cli.Operations;

/// <summary>Sample values read from a Prometheus text page (the daemon's <c>--metrics-port</c>): lines <c>name{labels} value [timestamp]</c>.</summary>
internal sealed class PrometheusScrape
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

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
                _samples.Add((line[..nameEnd], line[nameEnd..valueStart], value));
            }
        }
    }

    /// <summary>A sample's value (summed over its label sets), or null when the page has none.</summary>
    public double? this[string name] => this[name, ""];

    /// <summary>The sum of a sample's values whose labels contain <paramref name="label"/> (e.g. <c>kind="transient"</c>), or null when there is none.</summary>
    public double? this[string name, string label]
    {
        get
        {
            var matching = _samples.Where(s => s.Name == name && s.Labels.Contains(label, StringComparison.Ordinal)).ToList();
            return matching.Count == 0 ? null : matching.Sum(s => s.Value);
        }
    }

    /// <summary>Reads a page already fetched.</summary>
    public static PrometheusScrape Parse(string text) => new(text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>Reads <c>http://ADDRESS:PORT/metrics</c> (loopback unless given); null when the daemon does not answer.</summary>
    public static async Task<PrometheusScrape?> ReadAsync(HttpClient http, int port, CancellationToken ct, string address = MetricsExport.Loopback)
    {
        ArgumentNullException.ThrowIfNull(http);
        try
        {
            return new PrometheusScrape(await http.GetStringAsync(new Uri($"http://{address}:{port}/metrics"), ct));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
