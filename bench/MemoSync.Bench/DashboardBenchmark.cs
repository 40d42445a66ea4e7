using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using MemoSync.Emulator;

namespace MemoSync.Bench;

/// <summary>
/// What the dashboard costs the daemon: <c>memosync run</c> (a child process) without it and with it
/// (<c>--dashboard-address 127.0.0.1:0</c>), side by side in each run, in alternating order. Its resident memory idle on an
/// empty journal after 5 s, then with the overview open for 10 s (the page and its assets loaded, the live part fetched
/// every 2 s as the page's script does); and the time it takes to drain a backlog of 10,000 turns of 1,000 users, with
/// the overview open all along.
/// </summary>
internal sealed partial class DashboardBenchmark(string directory, int runs, bool native, TextWriter output)
{
    private const int Backlog = 10_000;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Viewed = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    public async Task RunAsync()
    {
        Directory.CreateDirectory(directory);
        output.WriteLine($"dashboard benchmark: {runs} runs, files in {directory}, {Environment.ProcessorCount} cores");
        var build = native ? await DaemonBuild.PublishNativeAsync(Path.Combine(directory, "native"), output) : DaemonBuild.Portable;
        var daemons = new DeliveryBenchmark(directory, runs, output);
        var results = new ResultTable();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var dashboard in run % 2 == 1 ? new[] { false, true } : [true, false])
            {
                var name = dashboard ? "dashboard on" : "dashboard off";
                var lines = new ConcurrentQueue<string>();
                await using (var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = DeliveryBenchmark.Token }))
                {
                    var (idle, viewed) = await daemons.WithDaemonAsync(build, emulator, "idle.db", 0, async daemon =>
                    {
                        await Task.Delay(Idle);
                        var idle = Daemon.Memory(daemon).Rss;
                        if (!dashboard)
                        {
                            return (idle, 0.0);
                        }
                        using var stop = new CancellationTokenSource(Viewed);
                        await ViewAsync(await AddressAsync(daemon, lines), stop.Token);
                        return (idle, Daemon.Memory(daemon).Rss);
                    }, environment: Settings(dashboard), lastLines: lines);
                    results.Add($"{build.Name}: idle RSS (MiB), {name}", idle);
                    if (dashboard)
                    {
                        results.Add($"{build.Name}: RSS (MiB) after the overview was open {Viewed.TotalSeconds} s", viewed);
                    }
                }
                lines = new ConcurrentQueue<string>();
                await using (var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = DeliveryBenchmark.Token }))
                {
                    var seconds = await daemons.WithDaemonAsync(build, emulator, "backlog.db", Backlog, async daemon =>
                    {
                        using var stop = new CancellationTokenSource();
                        var view = dashboard ? ViewAsync(await AddressAsync(daemon, lines), stop.Token) : Task.CompletedTask;
                        var drained = await DeliveryBenchmark.UntilDeliveredAsync(emulator, daemon, Backlog);
                        await stop.CancelAsync();
                        await view;
                        return drained;
                    }, environment: Settings(dashboard), lastLines: lines);
                    results.Add($"{build.Name}: drain {Backlog} turns (s), {name}{(dashboard ? ", overview open" : "")}", seconds);
                }
            }
            output.WriteLine($"run {run}: done");
        }
        results.Print(output, runs);
    }

    private static Dictionary<string, string> Settings(bool dashboard) =>
        dashboard ? new() { ["MEMOSYNC_DASHBOARD_ADDRESS"] = "127.0.0.1:0" } : [];

    /// <summary>The dashboard's address, from the line the daemon prints once it listens.</summary>
    private static async Task<Uri> AddressAsync(Process daemon, ConcurrentQueue<string> lines)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (lines.Select(l => DashboardLine().Match(l)).FirstOrDefault(m => m.Success) is { } match)
            {
                return new Uri(match.Groups[1].Value);
            }
            if (daemon.HasExited || watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException("memosync run did not say where its dashboard is");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>What a browser with the overview open asks for: the page and its assets, then the live part every 2 s.</summary>
    private static async Task ViewAsync(Uri root, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = root };
        try
        {
            foreach (var path in new[] { "", "assets/dashboard.css", "assets/dashboard.js" })
            {
                (await http.GetAsync(path, ct)).EnsureSuccessStatusCode();
            }
            while (true)
            {
                await Task.Delay(Refresh, ct);
                (await http.GetAsync("live/overview", ct)).EnsureSuccessStatusCode();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page was closed.
        }
    }

    [GeneratedRegex(@"dashboard at (http://\S+/memosync/)")]
    private static partial Regex DashboardLine();
}
