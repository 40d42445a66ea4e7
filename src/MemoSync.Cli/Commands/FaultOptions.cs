using System.CommandLine;
using System.CommandLine.Parsing;
using MemoSync.Emulator;

namespace MemoSync.Cli.Commands;

/// <summary>The fault flags of <c>memosync emulator</c>, read into <see cref="FaultSettings"/>.</summary>
internal sealed class FaultOptions
{
    private readonly Option<string?> _latency = new("--latency")
    {
        Description = "Added latency in ms: a fixed value (50) or a range (20-200).",
    };
    private readonly Option<double> _http500 = Rate("--http500-rate", "Share of requests answered HTTP 500.");
    private readonly Option<double> _http503 = Rate("--http503-rate", "Share of requests answered HTTP 503.");
    private readonly Option<double> _http429 = Rate("--http429-rate", "Share of requests answered HTTP 429 with Retry-After.");
    private readonly Option<int> _retryAfter = new("--retry-after")
    {
        Description = "Retry-After of a 429, in seconds.",
        DefaultValueFactory = _ => 1,
    };
    private readonly Option<double> _errno500 = Rate("--errno500-rate", "Share of requests answered HTTP 200 with errno 500.");
    private readonly Option<double> _quota = Rate("--quota-rate", "Share of requests answered HTTP 200 with errno 503 (token quota spent).");
    private readonly Option<double> _nullData = Rate("--null-data-rate", "Share of requests answered HTTP 200 with null data, as Memobase never does.");
    private readonly Option<double> _proxyNotFound = Rate("--proxy-404-rate", "Share of requests answered HTTP 404 with a plain-text page, as by a proxy in the way.");
    private readonly Option<double> _reject = Rate("--reject-rate", "Share of blob inserts refused as unparsable (errno 400, permanent).");
    private readonly Option<double> _drop = Rate("--drop-rate", "Share of requests whose connection is cut.");
    private readonly Option<double> _lostAnswer = Rate("--lost-answer-rate", "Share of blob inserts stored whose answer is then lost.");
    private readonly Option<bool> _outage = new("--outage") { Description = "Start in an outage: every API request is cut." };
    private readonly Option<int?> _seed = new("--seed") { Description = "Seed of the fault draws, for repeatable runs." };

    private static Option<double> Rate(string name, string description) => new(name) { Description = description + " 0 to 1." };

    public void AddTo(Command command)
    {
        Option[] all = [_latency, _http500, _http503, _http429, _retryAfter, _errno500, _quota, _nullData, _proxyNotFound, _reject, _drop, _lostAnswer, _outage, _seed];
        foreach (var option in all)
        {
            command.Options.Add(option);
        }
        command.Check(result =>
        {
            try
            {
                if (Read(result).Validate() is { } error)
                {
                    result.AddError($"Invalid fault flags: {error}");
                }
            }
            catch (FormatException e)
            {
                result.AddError(e.Message);
            }
        });
    }

    public FaultSettings Read(SymbolResult result)
    {
        var (min, max) = ParseLatency(result.GetValue(_latency));
        return new FaultSettings
        {
            LatencyMinMs = min,
            LatencyMaxMs = max,
            Http500Rate = result.GetValue(_http500),
            Http503Rate = result.GetValue(_http503),
            Http429Rate = result.GetValue(_http429),
            RetryAfterSeconds = result.GetValue(_retryAfter),
            Errno500Rate = result.GetValue(_errno500),
            QuotaRate = result.GetValue(_quota),
            NullDataRate = result.GetValue(_nullData),
            ProxyNotFoundRate = result.GetValue(_proxyNotFound),
            RejectRate = result.GetValue(_reject),
            DropRate = result.GetValue(_drop),
            LostAnswerRate = result.GetValue(_lostAnswer),
            Outage = result.GetValue(_outage),
            Seed = result.GetValue(_seed),
        };
    }

    private static (int Min, int Max) ParseLatency(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (0, 0);
        }
        var parts = text.Split('-', 2);
        if (!int.TryParse(parts[0], out var min) || (parts.Length == 2 ? !int.TryParse(parts[1], out var max) : !int.TryParse(parts[0], out max)))
        {
            throw new FormatException($"--latency must be milliseconds (50) or a range (20-200), got '{text}'");
        }
        return (min, max);
    }
}
