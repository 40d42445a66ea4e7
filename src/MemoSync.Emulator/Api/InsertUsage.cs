using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MemoSync.Emulator.Api;

/// <summary>
/// The daily counts <c>GET /project/usage</c> reports, kept per day as the server keeps them in Redis
/// (telemetry/capture_key.py): blob inserts that passed validation, and those that succeeded. The emulator calls no
/// LLM, so its token counts are 0. Kept in memory: a restart starts them again, as a fresh Redis would.
/// </summary>
internal sealed class InsertUsage(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long[]> _days = new();

    public void CountInsert() => Interlocked.Increment(ref Today()[0]);

    public void CountSuccess() => Interlocked.Increment(ref Today()[1]);

    /// <summary>Today and the days before it, <paramref name="days"/> in all, newest first (the server's <c>DailyUsage</c> list).</summary>
    public JsonArray LastDays(int days) => new([.. Enumerable.Range(0, Math.Max(days, 0)).Select(i =>
    {
        var date = DayKey(i);
        var counts = _days.TryGetValue(date, out var c) ? c : [0, 0];
        return (JsonNode)new JsonObject
        {
            ["date"] = date,
            ["total_insert"] = Interlocked.Read(ref counts[0]),
            ["total_success_insert"] = Interlocked.Read(ref counts[1]),
            ["total_input_token"] = 0,
            ["total_output_token"] = 0,
        };
    })]);

    private long[] Today() => _days.GetOrAdd(DayKey(0), _ => new long[2]);

    private string DayKey(int daysAgo) => time.GetUtcNow().AddDays(-daysAgo).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
