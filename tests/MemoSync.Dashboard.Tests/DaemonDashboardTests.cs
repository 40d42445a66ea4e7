using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using MemoSync.Emulator;
using MemoSync.TestSupport;

namespace MemoSync.Dashboard.Tests;

/// <summary><c>memosync run --dashboard</c> as a real child process, against the emulator over loopback.</summary>
public sealed class DaemonDashboardTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("memosync-daemon-dashboard-");

    [Fact]
    public async Task The_daemon_serves_the_dashboard_on_loopback_and_requeues_only_for_the_token()
    {
        await using var site = await DaemonSite.StartAsync();
        site.Server.Emulator.Faults = new FaultSettings { RejectRate = 1 };
        var root = site.Root;
        Assert.Equal(IPAddress.Loopback, IPAddress.Parse(root.Host));
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = root };
        await site.RecordAsync("alice", "hello");
        await WaitForAsync(http, """id="count-dead" class="value">1<""");
        site.Server.Emulator.Faults = new FaultSettings();

        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync("requeue-dead", new FormUrlEncodedContent([]))).StatusCode);
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "requeue-dead") { Content = new FormUrlEncodedContent([]) };
        unsigned.Headers.Add("Origin", root.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(unsigned)).StatusCode);
        using var signed = new HttpRequestMessage(HttpMethod.Post, "requeue-dead") { Content = new FormUrlEncodedContent([]) };
        signed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DashboardUnderTest.Token);
        var requeued = await http.SendAsync(signed);
        Assert.Equal((HttpStatusCode.SeeOther, "/memosync/?requeued=1"), (requeued.StatusCode, requeued.Headers.Location?.ToString()));

        await WaitForAsync(http, """id="count-synced" class="value">1<""");
    }

    [Fact]
    public async Task The_daemon_serving_every_page_of_its_dashboard_maps_no_ASP_NET_Core_assembly()
    {
        await using var site = await DaemonSite.StartAsync();
        using var http = new HttpClient { BaseAddress = site.Root };
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "login") { Content = new FormUrlEncodedContent([new("token", DashboardUnderTest.Token)]) };
        signIn.Headers.Add("Origin", site.Root.GetLeftPart(UriPartial.Authority));
        (await http.SendAsync(signIn)).EnsureSuccessStatusCode();
        foreach (var path in new[] { "", "live/overview", "users", "user?id=alice", "dead", "pending", "requeue-dead", "login", "assets/dashboard.css", "assets/dashboard.js" })
        {
            (await http.GetAsync(path)).EnsureSuccessStatusCode();
        }

        var mapped = File.ReadLines($"/proc/{site.Daemon.Id}/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6)
            .Select(fields => Path.GetFileName(fields[5].Trim()))
            .ToHashSet();
        Assert.Contains("System.Net.HttpListener.dll", mapped);
        Assert.Contains("MemoSync.Dashboard.dll", mapped);
        Assert.DoesNotContain(mapped, file => file.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0.0.0.0:0", "The dashboard at 0.0.0.0:0 is not on loopback, so every page needs a sign-in: set MEMOSYNC_DASHBOARD_TOKEN")]
    [InlineData("[::1]:0", "--dashboard-address (MEMOSYNC_DASHBOARD_ADDRESS): The dashboard listens on an IPv4 address (127.0.0.1, or 0.0.0.0 for all), got [::1]:0")]
    public async Task A_dashboard_address_the_daemon_cannot_serve_stops_the_start_naming_the_setting(string address, string error)
    {
        var (exitCode, said) = await RunUntilItStopsAsync(address);

        Assert.Equal(2, exitCode);
        Assert.Contains(error, said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dashboard_port_in_use_stops_the_start_in_one_sentence()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var address = (IPEndPoint)taken.LocalEndpoint;

        var (exitCode, said) = await RunUntilItStopsAsync(address.ToString());

        Assert.Equal(2, exitCode);
        Assert.Equal($"memosync: --dashboard-address (MEMOSYNC_DASHBOARD_ADDRESS): The dashboard cannot listen on {address}: Address already in use.", said.Trim());
    }

    /// <summary>Runs the daemon with its dashboard at <paramref name="address"/> and no token, until it gives up; its exit code and standard error.</summary>
    private async Task<(int ExitCode, string Error)> RunUntilItStopsAsync(string address)
    {
        await using var server = await RunningEmulator.StartAsync();
        using var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = Path.Combine(_dir.FullName, "memosync.db"),
            ["MEMOSYNC_DASHBOARD_ADDRESS"] = address,
        }, "run");
        var output = daemon.StandardOutput.ReadToEndAsync();
        var error = await daemon.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await daemon.WaitForExitAsync(deadline.Token);
        await output;
        return (daemon.ExitCode, error);
    }

    /// <summary>Waits until the overview's live part holds <paramref name="html"/>; fails after 90 s.</summary>
    private static async Task WaitForAsync(HttpClient http, string html)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        string overview;
        while (!(overview = await http.GetStringAsync("live/overview")).Contains(html, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the overview never showed {html}: {overview}");
            await Task.Delay(200);
        }
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
