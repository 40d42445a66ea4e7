using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MemoSync.Emulator;

namespace MemoSync.Bench;

/// <summary>
/// What the dashboard costs the daemon: <c>memosync run</c> (a child process) without it and with it
/// (<c>MEMOSYNC_DASHBOARD_ADDRESS</c> on a free loopback port), side by side in each run, in alternating order. Its resident memory idle on an
/// empty journal after 5 s, then with the overview open for 10 s (the page and its assets loaded, the live part fetched
/// every 2 s as the page's script does); and the time it takes to drain a backlog of 10,000 turns of 1,000 users, with
/// the overview open all along.
/// </summary>
internal sealed class DashboardBenchmark(string directory, int runs, bool native, TextWriter output)
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
                var port = FreePort();
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
                        await ViewAsync(await ListeningAsync(daemon, port), stop.Token);
                        return (idle, Daemon.Memory(daemon).Rss);
                    }, environment: Settings(dashboard, port));
                    results.Add($"{build.Name}: idle RSS (MiB), {name}", idle);
                    if (dashboard)
                    {
                        results.Add($"{build.Name}: RSS (MiB) after the overview was open {Viewed.TotalSeconds} s", viewed);
                    }
                }
                port = FreePort();
                await using (var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = DeliveryBenchmark.Token }))
                {
                    var seconds = await daemons.WithDaemonAsync(build, emulator, "backlog.db", Backlog, async daemon =>
                    {
                        using var stop = new CancellationTokenSource();
                        var view = dashboard ? ViewAsync(await ListeningAsync(daemon, port), stop.Token) : Task.CompletedTask;
                        var drained = await DeliveryBenchmark.UntilDeliveredAsync(emulator, daemon, Backlog);
                        await stop.CancelAsync();
                        await view;
                        return drained;
                    }, environment: Settings(dashboard, port));
                    results.Add($"{build.Name}: drain {Backlog} turns (s), {name}{(dashboard ? ", overview open" : "")}", seconds);
                }
            }
            output.WriteLine($"run {run}: done");
        }
        results.Print(output, runs);
    }

    private static Dictionary<string, string> Settings(bool dashboard, int port) =>
        dashboard ? new() { ["MEMOSYNC_DASHBOARD_ADDRESS"] = $"127.0.0.1:{port}" } : [];

    /// <summary>The dashboard's address on a port free now, and a wait until the daemon answers there.</summary>
    private static async Task<Uri> ListeningAsync(Process daemon, int port)
    {
        var root = new Uri($"http://127.0.0.1:{port}/memosync/");
        using var http = new HttpClient();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                (await http.GetAsync(root)).EnsureSuccessStatusCode();
                return root;
            }
            catch (HttpRequestException) when (!daemon.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
}
