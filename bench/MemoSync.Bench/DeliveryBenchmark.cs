using System.Collections.Concurrent;
using System.Diagnostics;
using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Emulator;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Memobase.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemoSync.Bench;

/// <summary>
/// Delivery through the real path: turns recorded with <see cref="DialogueRecorder"/> into a SQLite journal, delivered
/// by the <see cref="DeliveryEngine"/> over loopback HTTP to the emulator (in this process, a new one for each
/// measurement). Per run: recorded→synced latency with the emulator answering at once and after 20 ms, and turns
/// delivered per second with 1, 4 and 16 users, and the time <c>memosync run</c> takes to drain an outage's backlog through
/// a Memobase 20 ms away with its engine delivering one user at a time and 8 at a time. Once for its portable build and
/// once for its native one: <c>memosync run</c> (a child process) idle, and draining backlogs of 10,000 and 100,000 turns:
/// its memory and the time the drain takes.
/// </summary>
internal sealed class DeliveryBenchmark(string directory, int runs, TextWriter output)
{
    internal const string Token = "bench-token";
    private const int LatencyTurns = 200;
    private const int ThroughputTurns = 4800;
    private const int BurstTurns = 5000;
    private static readonly int[] LatenciesMs = [0, 20];
    private static readonly int[] UserCounts = [1, 4, 16];
    private static readonly int[] Backlogs = [10_000, 100_000];
    private static readonly int[] SweepLanes = [1, 8];
    private const int FarLatencyMs = 20;
    private const int FarBacklog = 1000;
    private const int FarUsers = 100;

    public async Task RunAsync()
    {
        Directory.CreateDirectory(directory);
        output.WriteLine($"delivery benchmark: {runs} runs, files in {directory}, {Environment.ProcessorCount} cores");
        // Published first, so a machine that cannot build it fails before the long measurements.
        var native = await DaemonBuild.PublishNativeAsync(Path.Combine(directory, "native"), output);
        var results = new ResultTable();
        for (var run = 1; run <= runs; run++)
        {
            var fsync = Samples.Median(Fsync.Times(directory, LatencyTurns));
            results.Add("fsync p50 (ms)", fsync);
            foreach (var latency in LatenciesMs)
            {
                var statistics = await WithEmulatorAsync(new FaultSettings { LatencyMinMs = latency, LatencyMaxMs = latency }, LatencyAsync);
                results.Add($"recorded→synced p50 (ms), emulator +{latency} ms", statistics.LatencyPercentile(50)!.Value);
                results.Add($"recorded→synced p99 (ms), emulator +{latency} ms", statistics.LatencyPercentile(99)!.Value);
                if (latency == 0)
                {
                    results.Add("recorded→synced p50 / fsync p50, emulator +0 ms", statistics.LatencyPercentile(50)!.Value / fsync);
                }
            }
            var oneUser = 0.0;
            foreach (var users in UserCounts)
            {
                var rate = await WithEmulatorAsync(new FaultSettings(), client => ThroughputAsync(client, users));
                oneUser = users == 1 ? rate : oneUser;
                results.Add($"turns delivered/s, {users} users", rate);
            }
            var burst = await WithEmulatorAsync(new FaultSettings(), BurstAsync);
            results.Add($"burst of {BurstTurns} turns of one user, all synced (s)", burst);
            results.Add($"burst time / ({BurstTurns} ÷ one-user rate)", burst / (BurstTurns / oneUser));
            foreach (var lanes in SweepLanes)
            {
                results.Add($"memosync run drain {FarBacklog} turns of {FarUsers} users, emulator +{FarLatencyMs} ms, {lanes} sweep lanes (s)",
                    await FarDrainAsync(lanes));
            }
            output.WriteLine($"run {run}: done");
        }
        foreach (var build in new[] { DaemonBuild.Portable, native })
        {
            await DaemonAsync(build, results);
        }
        results.Print(output, runs);
    }

    /// <summary>
    /// Runs <paramref name="measure"/> against a new emulator: the emulator shares this machine's cores, and one that has
    /// taken every earlier measurement's turns works slower, which would be counted against delivery.
    /// </summary>
    private static async Task<T> WithEmulatorAsync<T>(FaultSettings faults, Func<MemobaseClient, Task<T>> measure)
    {
        await using var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = Token, Faults = faults });
        using var http = new HttpClient();
        return await measure(new MemobaseClient(http, new MemobaseClientOptions { BaseUrl = emulator.BaseAddress.ToString(), Token = Token }));
    }

    private (SqliteJournal Journal, DeliveryEngine Worker) Fresh(MemobaseClient client, string name, int queue)
    {
        var path = Path.Combine(directory, name);
        foreach (var file in Directory.GetFiles(directory, name + "*"))
        {
            File.Delete(file);
        }
        var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = path });
        var options = new DeliveryOptions { MaxHeld = Math.Max(queue, new DeliveryOptions().MaxHeld) };
        var delivery = new TurnDelivery(client, journal, options, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
        var engine = new DeliveryEngine(journal, delivery, options, TimeProvider.System, NullLogger<DeliveryEngine>.Instance);
        engine.Start();
        return (journal, engine);
    }

    private static async Task RecordAsync(DialogueRecorder recorder, int i)
    {
        recorder.AddUserMessage($"turn {i}: what should I cook tonight?");
        recorder.AddAssistantMessage("How about a tomato and egg stir-fry?");
        await recorder.FinalizeTurnAsync();
    }

    private static async Task UntilSyncedAsync(DeliveryEngine worker, long count)
    {
        while (worker.Statistics.SyncedCount < count)
        {
            if (worker.Statistics.FailedCount + worker.Statistics.DeferredCount > 0)
            {
                throw new InvalidOperationException("a turn was not delivered at once: the benchmark measures the real-time path alone");
            }
            await Task.Delay(1);
        }
    }

    /// <summary>
    /// One turn at a time, each recorded once the one before is synced: the latency of a turn, not of a queue. The worker
    /// measures it, from the turn's making (before its durable append) to its synced mark; the first turn also creates the user.
    /// </summary>
    private async Task<SyncStatistics> LatencyAsync(MemobaseClient client)
    {
        var (journal, worker) = Fresh(client, "latency.db", LatencyTurns);
        var recorder = new DialogueRecorder(journal, worker, $"latency-{Guid.NewGuid():N}", "bench", TimeProvider.System);
        for (var i = 0; i < LatencyTurns; i++)
        {
            await RecordAsync(recorder, i);
            await UntilSyncedAsync(worker, i + 1);
        }
        await worker.DisposeAsync();
        await journal.DisposeAsync();
        return worker.Statistics;
    }

    /// <summary><paramref name="users"/> conversations recording as fast as they can; from the first record to the last turn synced.</summary>
    private async Task<double> ThroughputAsync(MemobaseClient client, int users)
    {
        var (journal, worker) = Fresh(client, $"throughput-{users}.db", ThroughputTurns);
        var run = Guid.NewGuid().ToString("N")[..8];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, users).Select(u => Task.Run(async () =>
        {
            var recorder = new DialogueRecorder(journal, worker, $"user-{run}-{u}", "bench", TimeProvider.System);
            for (var i = 0; i < ThroughputTurns / users; i++)
            {
                await RecordAsync(recorder, i);
            }
        })));
        await UntilSyncedAsync(worker, ThroughputTurns);
        var rate = ThroughputTurns / watch.Elapsed.TotalSeconds;
        await worker.DisposeAsync();
        await journal.DisposeAsync();
        return rate;
    }

    /// <summary>
    /// One user's <see cref="BurstTurns"/> turns recorded as fast as they come, on the engine's defaults: it holds 1,000, so
    /// most wait in the journal and are pulled as lanes free up. Seconds from the first record to the last synced mark.
    /// </summary>
    private async Task<double> BurstAsync(MemobaseClient client)
    {
        var path = Path.Combine(directory, "burst.db");
        foreach (var file in Directory.GetFiles(directory, "burst.db*"))
        {
            File.Delete(file);
        }
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = path });
        var options = new DeliveryOptions();
        var delivery = new TurnDelivery(client, journal, options, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
        await using var engine = new DeliveryEngine(journal, delivery, options, TimeProvider.System, NullLogger<DeliveryEngine>.Instance);
        engine.Start();
        var recorder = new DialogueRecorder(journal, engine, $"burst-{Guid.NewGuid():N}", "bench", TimeProvider.System);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < BurstTurns; i++)
        {
            await RecordAsync(recorder, i);
        }
        while (engine.Statistics.SyncedCount < BurstTurns)
        {
            await Task.Delay(1);
        }
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// <c>memosync run</c> (of <paramref name="build"/>) idle on an empty journal, then on journals holding a backlog of due
    /// turns (what an outage leaves): its resident memory while it drains, at its peak, and the time from its start to the
    /// last turn delivered.
    /// </summary>
    private async Task DaemonAsync(DaemonBuild build, ResultTable results)
    {
        await using (var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = Token }))
        {
            results.Add($"memosync run ({build.Name}) idle RSS (MiB)", await WithDaemonAsync(build, emulator, "idle.db", 0, async daemon =>
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
                return Daemon.Memory(daemon).Rss;
            }));
        }
        foreach (var backlog in Backlogs)
        {
            await using var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = Token });
            var benchCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var (seconds, peak, daemonCpu) = await WithDaemonAsync(build, emulator, $"backlog-{backlog}.db", backlog, async daemon =>
                (await UntilDeliveredAsync(emulator, daemon, backlog), Daemon.Memory(daemon).Peak, Daemon.ProcessorTime(daemon)));
            results.Add($"memosync run ({build.Name}) drain {backlog} turns (s)", seconds);
            results.Add($"memosync run ({build.Name}) drain {backlog} turns: turns/s", backlog / seconds);
            results.Add($"memosync run ({build.Name}) peak RSS (MiB), backlog {backlog}", peak);
            // Where the two cores went: the daemon, and the emulator (this process; its polling is a small part).
            results.Add($"memosync run ({build.Name}) drain {backlog} turns: daemon CPU (s)", daemonCpu.TotalSeconds);
            results.Add($"memosync run ({build.Name}) drain {backlog} turns: emulator CPU (s)", (Process.GetCurrentProcess().TotalProcessorTime - benchCpu).TotalSeconds);
        }
    }

    /// <summary>
    /// <c>memosync run</c> draining a backlog of <see cref="FarBacklog"/> turns through a Memobase <see cref="FarLatencyMs"/> ms
    /// away, its engine delivering the turns of <paramref name="lanes"/> users at once: seconds from its start to the last turn.
    /// </summary>
    private async Task<double> FarDrainAsync(int lanes)
    {
        var faults = new FaultSettings { LatencyMinMs = FarLatencyMs, LatencyMaxMs = FarLatencyMs };
        await using var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = Token, Faults = faults });
        return await WithDaemonAsync(DaemonBuild.Portable, emulator, $"far-{lanes}.db", FarBacklog, daemon => UntilDeliveredAsync(emulator, daemon, FarBacklog),
            FarUsers, new Dictionary<string, string> { ["MEMOSYNC_LANES"] = $"{lanes}" });
    }

    /// <summary>Seconds until the emulator has received <paramref name="backlog"/> turns.</summary>
    internal static async Task<double> UntilDeliveredAsync(MemobaseEmulator emulator, Process daemon, int backlog)
    {
        var watch = Stopwatch.StartNew();
        while (emulator.GetStats().BlobsReceived < backlog)
        {
            if (daemon.HasExited || watch.Elapsed > TimeSpan.FromMinutes(20))
            {
                throw new InvalidOperationException($"memosync run delivered {emulator.GetStats().BlobsReceived} of {backlog} turns");
            }
            await Task.Delay(100);
        }
        return watch.Elapsed.TotalSeconds;
    }

    internal async Task<T> WithDaemonAsync<T>(DaemonBuild build, MemobaseEmulator emulator, string name, int backlog, Func<Process, Task<T>> measure,
        int users = 1000, IReadOnlyDictionary<string, string>? environment = null)
    {
        var path = Path.Combine(directory, name);
        foreach (var file in Directory.GetFiles(directory, name + "*"))
        {
            File.Delete(file);
        }
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = path }))
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            for (var start = 0; start < backlog; start += 1000)
            {
                await journal.AppendManyAsync(Enumerable.Range(start, Math.Min(1000, backlog - start))
                    .Select(i => Turn.Create($"backlog-{run}-{i % users}", "bench",
                        [new(ChatMessage.UserRole, $"turn {i}: what should I cook tonight?"), new(ChatMessage.AssistantRole, "How about a tomato and egg stir-fry?")],
                        TimeProvider.System))
                    .ToList());
            }
        }
        using var daemon = Daemon.Start(emulator, Token, path, new ConcurrentQueue<string>(), build, environment);
        try
        {
            return await measure(daemon);
        }
        finally
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
        }
    }
}
