using System.Diagnostics;
using System.Globalization;
using MemoSync.Emulator;
using MemoSync.Memobase;
using MemoSync.Memobase.Models;
using MemoSync.Memory;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemoSync.Bench;

/// <summary>
/// What reading the user's memory adds to a conversation turn: the time of <see cref="MemoryContextProvider.BuildSystemPromptAsync"/>
/// per turn against an in-process emulator over loopback, with the default options (a fetch every 5 turns, cache hits between),
/// then with Memobase down (connections cut) and slower than the timeout, where no turn may wait longer than the timeout.
/// </summary>
internal sealed class MemoryRetrievalBenchmark(int turns, TextWriter output)
{
    private const string Token = "bench-token";
    private const string User = "bench-user";
    private const int SlowTurns = 10;

    public async Task<int> RunAsync()
    {
        await using var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = Token });
        using var http = new HttpClient();
        var client = new MemobaseClient(http, new MemobaseClientOptions { BaseUrl = emulator.BaseAddress.ToString(), Token = Token });
        var id = MemobaseUserId.FromName(User);
        await client.GetOrCreateUserAsync(id);
        await client.AddProfileAsync(id, "plays tennis on Sundays", "interest", "sports");
        await client.AddProfileAsync(id, "lives in Lyon", "basic_info", "city");
        var defaults = new MemoryContextOptions();
        output.WriteLine($"memory retrieval benchmark: {turns} turns, timeout {defaults.Timeout.TotalMilliseconds} ms, "
            + $"a fetch every {defaults.RefreshEveryTurns} turns, {Environment.ProcessorCount} cores");

        // Warm the connection and the JIT, as a running assistant would be.
        await MeasureAsync(client, defaults, 50);
        var up = await MeasureAsync(client, defaults, turns);
        var hits = up.Where((_, i) => i % defaults.RefreshEveryTurns != 0).ToList();
        var fetches = up.Where((_, i) => i % defaults.RefreshEveryTurns == 0).ToList();

        emulator.Faults = new FaultSettings { Outage = true };
        var down = await MeasureAsync(client, defaults, turns);
        var downEveryTurnTries = await MeasureAsync(client, defaults with { RetryAfterFailure = TimeSpan.Zero, RefreshEveryTurns = 1 }, turns);
        emulator.Faults = new FaultSettings { LatencyMinMs = 2000, LatencyMaxMs = 2000 };
        var slow = await MeasureAsync(client, defaults with { RetryAfterFailure = TimeSpan.Zero, RefreshEveryTurns = 1 }, SlowTurns);

        output.WriteLine();
        output.WriteLine("| turns | count | p50 (ms) | p99 (ms) | max (ms) |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        Row("Memobase up: every turn (defaults)", up);
        Row("Memobase up: cache hits (warm)", hits);
        Row("Memobase up: fetches (every 5th turn)", fetches);
        Row("Memobase down (connections cut), defaults", down);
        Row("Memobase down, every turn tries again", downEveryTurnTries);
        Row("Memobase 2 s slow, every turn tries again", slow);

        var timeout = defaults.Timeout.TotalMilliseconds;
        var worst = new[] { down, downEveryTurnTries, slow }.Max(s => s.Max());
        var warm = Samples.Median(hits);
        output.WriteLine();
        output.WriteLine($"warm cache p50 {Format(warm)} ms (bound 2 ms): {(warm < 2 ? "met" : "NOT met")}; "
            + $"worst turn with Memobase down or slow {Format(worst)} ms (timeout {timeout} ms): {(worst <= timeout ? "within" : $"over by {Format(worst - timeout)} ms")}");
        return warm < 2 && worst <= timeout ? 0 : 1;
    }

    private static async Task<List<double>> MeasureAsync(MemobaseClient client, MemoryContextOptions options, int count)
    {
        var provider = new MemoryContextProvider(client, options, TimeProvider.System, NullLogger<MemoryContextProvider>.Instance);
        var chats = new List<ChatMessage>();
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await provider.BuildSystemPromptAsync("You are a helpful assistant.", User, chats);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            chats.Add(new ChatMessage(ChatMessage.UserRole, $"question {i}"));
            chats.Add(new ChatMessage(ChatMessage.AssistantRole, $"answer {i}"));
        }
        return times;
    }

    private void Row(string name, List<double> times) =>
        output.WriteLine($"| {name} | {times.Count} | {Format(Samples.Median(times))} | {Format(Samples.Percentile(times, 99))} | {Format(times.Max())} |");

    private static string Format(double ms) => ms.ToString("0.0000", CultureInfo.InvariantCulture);
}
