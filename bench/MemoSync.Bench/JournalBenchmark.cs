using System.Diagnostics;
using MemoSync.Journal;
using MemoSync.Memobase.Models;
using Microsoft.Data.Sqlite;

namespace MemoSync.Bench;

/// <summary>
/// Measures the durable journal side by side with this machine's fsync: single-append latency,
/// appends per second with 1, 8 and 64 writers, and claim latency in a file of a million synced
/// turns. Every figure is the median over the runs.
/// </summary>
internal sealed class JournalBenchmark(string directory, int runs, TextWriter output)
{
    private const int LatencySamples = 300;
    private static readonly TimeSpan ThroughputWindow = TimeSpan.FromSeconds(3);
    private static readonly int[] Writers = [1, 8, 64];

    public async Task RunAsync()
    {
        Directory.CreateDirectory(directory);
        output.WriteLine($"journal benchmark: {runs} runs, files in {directory}, {Environment.ProcessorCount} cores");
        var results = new ResultTable();

        for (var run = 1; run <= runs; run++)
        {
            var fsync = Fsync.Times(directory, LatencySamples);
            results.Add("fsync p50 (ms)", Samples.Median(fsync));
            var latency = await AppendLatencyAsync();
            results.Add("append p50 (ms)", Samples.Median(latency));
            results.Add("append p99 (ms)", Samples.Percentile(latency, 99));
            results.Add("append p50 / fsync p50", Samples.Median(latency) / Samples.Median(fsync));
            foreach (var writers in Writers)
            {
                results.Add($"appends/s, {writers} writers", await ThroughputAsync(writers));
            }
            results.Add("64 writers / 1 writer", results.Latest("appends/s, 64 writers") / results.Latest("appends/s, 1 writers"));
            output.WriteLine($"run {run}: done");
        }
        var claim = await ClaimLatencyAsync();
        results.Add("claim 100 p50 (ms), 1M synced + 1k pending", Samples.Median(claim));
        results.Add("claim 100 p99 (ms), 1M synced + 1k pending", Samples.Percentile(claim, 99));

        results.Print(output, runs);
    }

    private SqliteJournal Fresh(string name)
    {
        var path = Path.Combine(directory, name);
        foreach (var file in Directory.GetFiles(directory, name + "*"))
        {
            File.Delete(file);
        }
        return SqliteJournal.Open(new SqliteJournalOptions { Path = path });
    }

    private static Turn NewTurn(int writer, int i) => Turn.Create($"user-{writer % 50}", "bench",
        [new(ChatMessage.UserRole, $"turn {i}: what should I cook tonight?"), new(ChatMessage.AssistantRole, "How about a tomato and egg stir-fry?")],
        TimeProvider.System);

    private async Task<List<double>> AppendLatencyAsync()
    {
        await using var journal = Fresh("latency.db");
        var times = new List<double>();
        for (var i = 0; i < LatencySamples; i++)
        {
            var turn = NewTurn(0, i);
            var watch = Stopwatch.StartNew();
            await journal.AppendAsync(turn);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private async Task<double> ThroughputAsync(int writers)
    {
        await using var journal = Fresh($"throughput-{writers}.db");
        var appended = 0L;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; watch.Elapsed < ThroughputWindow; i++)
            {
                await journal.AppendAsync(NewTurn(w, i));
                Interlocked.Increment(ref appended);
            }
        })));
        return appended / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Claims a batch of 100 (and releases it) in a file holding a million synced turns and a thousand pending.</summary>
    private async Task<List<double>> ClaimLatencyAsync()
    {
        const string name = "claim.db";
        await using (Fresh(name))
        {
        }
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory, name)};Pooling=False"))
        {
            connection.Open();
            using var fill = connection.CreateCommand();
            // A million synced turns straight in SQL: building them through appends would measure the setup, not the claim.
            fill.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
                INSERT INTO turns (id, user_id, messages, timestamp, next_attempt_at, state, synced_at)
                SELECT printf('00000000-0000-7000-8000-%012d', i), 'user-' || (i % 50),
                       '[{"role":"user","content":"hello"},{"role":"assistant","content":"hi"}]', i, i, 1, i FROM n
                """;
            fill.ExecuteNonQuery();
        }
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = Path.Combine(directory, name) });
        await journal.AppendManyAsync(Enumerable.Range(0, 1000).Select(i => NewTurn(i, i)).ToList());
        var times = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var watch = Stopwatch.StartNew();
            var claimed = (await journal.ClaimDueAsync(100, new TurnLease("bench", TimeSpan.FromMinutes(1)))).Turns;
            times.Add(watch.Elapsed.TotalMilliseconds);
            foreach (var entry in claimed)
            {
                await journal.ReleaseAsync(entry.Turn.Id, "bench", new FailedAttempt(DateTimeOffset.UtcNow.AddMinutes(-1), "bench", ChargeRetry: false));
            }
        }
        return times;
    }
}
