using System.Diagnostics;
using MemoSync.Emulator;
using MemoSync.Journal;
using MemoSync.Memobase.Models;
using Npgsql;

namespace MemoSync.Bench;

/// <summary>
/// The PostgreSQL journal for many hosts: durable appends per second with 1, 8 and 64 writers, and turns delivered
/// per second by 1, 2 and 4 <c>memosync run</c> daemons (real processes) sharing one journal, against an emulator
/// answering at once and one answering after 5 ms. Every figure is the median over the runs.
/// </summary>
internal sealed class ClusterBenchmark(string connectionString, int runs, TextWriter output)
{
    private const string Token = "bench-token";
    private const int Users = 1000;
    private const int TurnsPerUser = 3;
    private static readonly TimeSpan ThroughputWindow = TimeSpan.FromSeconds(3);
    private static readonly int[] Writers = [1, 8, 64];
    private static readonly int[] DaemonCounts = [1, 2, 4];

    /// <summary>The emulator answers at once (a fast Memobase), then after 5 ms (a Memobase a network hop away).</summary>
    private static readonly int[] LatenciesMs = [0, 5];

    public async Task RunAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(connectionString);
        output.WriteLine($"cluster benchmark: {runs} runs, PostgreSQL on {server.Host}:{server.Port}, {Environment.ProcessorCount} cores");
        var results = new ResultTable();

        await using var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = Token });
        for (var run = 1; run <= runs; run++)
        {
            foreach (var writers in Writers)
            {
                results.Add($"appends/s, {writers} writers", await AppendThroughputAsync(writers));
            }
            foreach (var latency in LatenciesMs)
            {
                emulator.Faults = new FaultSettings { LatencyMinMs = latency, LatencyMaxMs = latency };
                foreach (var daemons in DaemonCounts)
                {
                    var delivery = await DeliveryAsync(emulator, daemons);
                    results.Add($"turns delivered/s, {latency} ms emulator, {daemons} daemons", delivery.TurnsPerSecond);
                    results.Add($"CPU ms per turn, {latency} ms emulator, {daemons} daemons: daemons + emulator", delivery.DaemonCpuMs + delivery.EmulatorCpuMs);
                }
                results.Add($"{latency} ms emulator: 2 daemons / 1", results.Latest($"turns delivered/s, {latency} ms emulator, 2 daemons") / results.Latest($"turns delivered/s, {latency} ms emulator, 1 daemons"));
                results.Add($"{latency} ms emulator: 4 daemons / 1", results.Latest($"turns delivered/s, {latency} ms emulator, 4 daemons") / results.Latest($"turns delivered/s, {latency} ms emulator, 1 daemons"));
            }
            output.WriteLine($"run {run}: done");
        }

        results.Print(output, runs);
    }

    private static Turn NewTurn(string user, int i, TimeProvider time) => Turn.Create(user, "bench",
        [new(ChatMessage.UserRole, $"turn {i}: what should I cook tonight?"), new(ChatMessage.AssistantRole, "How about a tomato and egg stir-fry?")], time);

    /// <summary>A journal in a fresh schema, dropped when disposed.</summary>
    private (PostgresJournal Journal, string Schema) Fresh()
    {
        var schema = $"bench_{Guid.NewGuid():N}";
        return (PostgresJournal.Open(new PostgresJournalOptions { ConnectionString = connectionString, Schema = schema }), schema);
    }

    private async Task DropAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private async Task<double> AppendThroughputAsync(int writers)
    {
        var (journal, schema) = Fresh();
        var appended = 0L;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; watch.Elapsed < ThroughputWindow; i++)
            {
                await journal.AppendAsync(NewTurn($"user-{w % 50}", i, TimeProvider.System));
                Interlocked.Increment(ref appended);
            }
        })));
        var rate = appended / watch.Elapsed.TotalSeconds;
        await journal.DisposeAsync();
        await DropAsync(schema);
        return rate;
    }

    /// <summary>
    /// Starts the daemons on an empty journal, waits until each has started and swept once, then adds turns that are due
    /// at once, and times the middle 80% of the deliveries (CPU too), so neither starting processes nor stragglers count.
    /// </summary>
    private async Task<Delivery> DeliveryAsync(MemobaseEmulator emulator, int daemons)
    {
        var (journal, schema) = Fresh();
        var location = "postgres:" + new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString;
        var lastLines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var processes = Enumerable.Range(0, daemons).Select(i => Daemon.Start(emulator, Token, location, i == 0 ? lastLines : new())).ToList();
        // A daemon has swept once when its start has settled; on 2 busy cores starting takes a few seconds.
        await Task.Delay(TimeSpan.FromSeconds(3 + daemons));

        var past = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-1));
        var entries = Enumerable.Range(0, Users * TurnsPerUser)
            .Select(i => new JournalEntry(NewTurn($"bench-user-{i % Users}", i, past), TurnState.Pending, 0, past.GetUtcNow(), null, null, null, null))
            .ToList();
        var before = emulator.GetStats().BlobsReceived;
        await journal.AddEntriesAsync(entries);
        await journal.DisposeAsync();

        var self = Process.GetCurrentProcess();
        TimeSpan Cpu() => processes.Aggregate(TimeSpan.Zero, (sum, p) => { p.Refresh(); return sum + p.TotalProcessorTime; });
        var (t10, daemonCpu10, selfCpu10) = (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var delivered = emulator.GetStats().BlobsReceived - before;
            if (t10 == TimeSpan.Zero && delivered >= entries.Count / 10)
            {
                (t10, daemonCpu10) = (watch.Elapsed, Cpu());
                self.Refresh();
                selfCpu10 = self.TotalProcessorTime;
            }
            if (delivered >= entries.Count * 9 / 10)
            {
                var window = watch.Elapsed - t10;
                var daemonCpu = Cpu() - daemonCpu10;
                self.Refresh();
                var selfCpu = self.TotalProcessorTime - selfCpu10;
                foreach (var process in processes)
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                    process.Dispose();
                }
                await DropAsync(schema);
                var measured = entries.Count * 8 / 10;
                return new Delivery(measured / window.TotalSeconds, daemonCpu.TotalMilliseconds / measured, selfCpu.TotalMilliseconds / measured);
            }
            if (watch.Elapsed > TimeSpan.FromMinutes(3) || processes.Find(p => p.HasExited) is not null)
            {
                processes.ForEach(p => p.Kill());
                throw new InvalidOperationException($"{daemons} daemons delivered {delivered} of {entries.Count} turns in {watch.Elapsed.TotalSeconds:0} s; "
                    + $"the first one's last lines: {string.Join(Environment.NewLine, lastLines)}");
            }
            await Task.Delay(5);
        }
    }

    /// <summary>One delivery measurement.</summary>
    /// <param name="TurnsPerSecond">Turns delivered per second.</param>
    /// <param name="DaemonCpuMs">CPU time of all daemons per turn.</param>
    /// <param name="EmulatorCpuMs">CPU time of this process (the emulator, and this loop watching it) per turn.</param>
    private sealed record Delivery(double TurnsPerSecond, double DaemonCpuMs, double EmulatorCpuMs);
}
