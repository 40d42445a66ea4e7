using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using MemoSync.Emulator;
using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;

namespace MemoSync.Dashboard.Tests;

/// <summary><c>memosync run --dashboard</c> as a real child process, against the emulator over loopback.</summary>
public sealed partial class DaemonDashboardTests : IDisposable
{
    private const string Token = "daemon-dashboard-token-0d2e";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("memosync-daemon-dashboard-");

    [Fact]
    public async Task The_daemon_serves_the_dashboard_on_loopback_and_requeues_only_for_the_token()
    {
        await using var server = await RunningEmulator.StartAsync(o => o.Faults = new FaultSettings { RejectRate = 1 });
        var journal = Path.Combine(_dir.FullName, "memosync.db");
        using var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = journal,
            ["MEMOSYNC_DASHBOARD_TOKEN"] = Token,
        }, "run", "--dashboard-address", "127.0.0.1:0");
        try
        {
            var root = await DashboardAddressAsync(daemon);
            Assert.Equal(IPAddress.Loopback, IPAddress.Parse(root.Host));
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = root };
            await using (var log = SqliteJournal.Open(new SqliteJournalOptions { Path = journal }))
            {
                await log.AppendAsync(Turn.Create("alice", null, [new(ChatMessage.UserRole, "hello"), new(ChatMessage.AssistantRole, "hi")], TimeProvider.System));
            }
            await WaitForAsync(http, """id="count-dead" class="value">1<""");
            server.Emulator.Faults = new FaultSettings();

            Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync("requeue-dead", new FormUrlEncodedContent([]))).StatusCode);
            using var unsigned = new HttpRequestMessage(HttpMethod.Post, "requeue-dead") { Content = new FormUrlEncodedContent([]) };
            unsigned.Headers.Add("Origin", root.GetLeftPart(UriPartial.Authority));
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(unsigned)).StatusCode);
            using var signed = new HttpRequestMessage(HttpMethod.Post, "requeue-dead") { Content = new FormUrlEncodedContent([]) };
            signed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            var requeued = await http.SendAsync(signed);
            Assert.Equal((HttpStatusCode.SeeOther, "/memosync/?requeued=1"), (requeued.StatusCode, requeued.Headers.Location?.ToString()));

            await WaitForAsync(http, """id="count-synced" class="value">1<""");
        }
        finally
        {
            await CliProcess.StopAsync(daemon, "INT", TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task A_dashboard_off_loopback_without_a_token_stops_the_start_naming_the_setting()
    {
        using var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = Path.Combine(_dir.FullName, "memosync.db"),
            ["MEMOSYNC_DASHBOARD_ADDRESS"] = "0.0.0.0:0",
        }, "run");
        var error = await daemon.StandardError.ReadToEndAsync();
        await daemon.WaitForExitAsync();

        Assert.Equal(2, daemon.ExitCode);
        Assert.Contains("The dashboard at 0.0.0.0:0 is not on loopback, so every page needs a sign-in: set MEMOSYNC_DASHBOARD_TOKEN", error, StringComparison.Ordinal);
    }

    /// <summary>The dashboard's address, from the line the daemon prints once it listens.</summary>
    private static async Task<Uri> DashboardAddressAsync(Process daemon)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await daemon.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            if (DashboardLine().Match(line) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }
        }
        throw new InvalidOperationException($"the daemon ended without serving the dashboard: {await daemon.StandardError.ReadToEndAsync()}");
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

    [GeneratedRegex(@"dashboard at (http://\S+/memosync/)")]
    private static partial Regex DashboardLine();

    public void Dispose() => _dir.Delete(recursive: true);
}
