namespace MemoSync.Emulator;

/// <summary>
/// Faults the emulator injects into <c>/api/v1</c> requests. Rates are probabilities from 0 to 1, drawn
/// per request in the order: outage, dropped connection, HTTP 500, 503, 429, errno 500, quota, rejected insert;
/// then lost answers.
/// </summary>
public sealed record FaultSettings
{
    /// <summary>Shortest added latency in milliseconds.</summary>
    public int LatencyMinMs { get; init; }

    /// <summary>Longest added latency in milliseconds; equal to <see cref="LatencyMinMs"/> for a fixed delay.</summary>
    public int LatencyMaxMs { get; init; }

    /// <summary>Share of requests answered HTTP 500.</summary>
    public double Http500Rate { get; init; }

    /// <summary>Share of requests answered HTTP 503.</summary>
    public double Http503Rate { get; init; }

    /// <summary>Share of requests answered HTTP 429 with <c>Retry-After</c>.</summary>
    public double Http429Rate { get; init; }

    /// <summary>The <c>Retry-After</c> of a 429, in seconds.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Share of requests answered HTTP 200 with <c>errno</c> 500, as the server does for an unhandled exception.</summary>
    public double Errno500Rate { get; init; }

    /// <summary>Share of requests answered HTTP 200 with <c>errno</c> 503, as a cloud project whose token quota is spent.</summary>
    public double QuotaRate { get; init; }

    /// <summary>Share of blob inserts refused as unparsable (HTTP 200, <c>errno</c> 400): a permanent failure, retrying never helps.</summary>
    public double RejectRate { get; init; }

    /// <summary>Share of requests answered HTTP 200 <c>{"errno":0,"data":null}</c>: an answer Memobase never gives.</summary>
    public double NullDataRate { get; init; }

    /// <summary>Share of requests answered by "a proxy in the way": HTTP 404 with a plain-text page, not Memobase's JSON.</summary>
    public double ProxyNotFoundRate { get; init; }

    /// <summary>Share of requests whose connection is cut before any answer.</summary>
    public double DropRate { get; init; }

    /// <summary>Share of blob inserts that are stored, then lose their answer (the connection is cut).</summary>
    public double LostAnswerRate { get; init; }

    /// <summary>While true every API request, the healthcheck included, has its connection cut.</summary>
    public bool Outage { get; init; }

    /// <summary>Seed of the random draws, for repeatable runs; <c>null</c> seeds from the clock.</summary>
    public int? Seed { get; init; }

    /// <summary>The first reason these settings are invalid, or <c>null</c> when they are valid.</summary>
    public string? Validate()
    {
        if (LatencyMinMs < 0 || LatencyMaxMs < 0)
        {
            return "latency must not be negative";
        }
        if (LatencyMaxMs != 0 && LatencyMaxMs < LatencyMinMs)
        {
            return $"latency_max_ms ({LatencyMaxMs}) is below latency_min_ms ({LatencyMinMs})";
        }
        if (RetryAfterSeconds < 0)
        {
            return "retry_after_seconds must not be negative";
        }
        (string Name, double Value)[] rates =
        [
            ("http500_rate", Http500Rate), ("http503_rate", Http503Rate), ("http429_rate", Http429Rate),
            ("errno500_rate", Errno500Rate), ("quota_rate", QuotaRate), ("null_data_rate", NullDataRate), ("proxy_not_found_rate", ProxyNotFoundRate),
            ("drop_rate", DropRate), ("reject_rate", RejectRate), ("lost_answer_rate", LostAnswerRate),
        ];
        foreach (var (name, value) in rates)
        {
            if (double.IsNaN(value) || value is < 0 or > 1)
            {
                return $"{name} must be between 0 and 1, got {value}";
            }
        }
        return rates.SkipLast(1).Sum(r => r.Value) > 1 ? "the failure rates add up to more than 1" : null;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new List<string>();
        if (Outage) parts.Add("outage");
        if (LatencyMaxMs > 0) parts.Add(LatencyMaxMs == LatencyMinMs ? $"latency {LatencyMinMs} ms" : $"latency {LatencyMinMs}-{LatencyMaxMs} ms");
        if (Http500Rate > 0) parts.Add($"HTTP 500 {Http500Rate:P0}");
        if (Http503Rate > 0) parts.Add($"HTTP 503 {Http503Rate:P0}");
        if (Http429Rate > 0) parts.Add($"HTTP 429 {Http429Rate:P0} (Retry-After {RetryAfterSeconds} s)");
        if (Errno500Rate > 0) parts.Add($"errno 500 {Errno500Rate:P0}");
        if (QuotaRate > 0) parts.Add($"quota errno 503 {QuotaRate:P0}");
        if (NullDataRate > 0) parts.Add($"null data {NullDataRate:P0}");
        if (ProxyNotFoundRate > 0) parts.Add($"proxy 404 {ProxyNotFoundRate:P0}");
        if (DropRate > 0) parts.Add($"dropped {DropRate:P0}");
        if (RejectRate > 0) parts.Add($"rejected inserts {RejectRate:P0}");
        if (LostAnswerRate > 0) parts.Add($"lost answers {LostAnswerRate:P0}");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
