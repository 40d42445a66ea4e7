using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary>The daemon under systemd: the unit passes systemd's own check, and the daemon speaks the notify protocol.</summary>
public sealed class SystemdServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-systemd-").FullName;

    [Fact]
    public async Task Service_install_writes_a_hardened_notify_unit_that_systemd_analyze_verify_accepts()
    {
        var analyze = await DebianPackages.EnsureCommandAsync("systemd-analyze", "systemd");
        var unitPath = Path.Combine(_dir, "memosync.service");

        var install = await CliRun.InAsync(_dir, new(), "", "service", "install", "--user", "memosync", "--output", unitPath);

        Assert.True(install.Code == 0, install.ToString());
        Assert.Contains("systemctl enable --now memosync", install.Out, StringComparison.Ordinal);
        var unit = await File.ReadAllTextAsync(unitPath);
        foreach (var line in new[]
        {
            "Type=notify", "WatchdogSec=60", "Restart=on-failure", "User=memosync", "NoNewPrivileges=true", "ProtectSystem=strict",
            "PrivateTmp=true", "ReadWritePaths=/var/lib/memosync /var/log/memosync", "EnvironmentFile=/etc/memosync/memosync.env",
        })
        {
            Assert.Contains("\n" + line + "\n", unit, StringComparison.Ordinal);
        }
        // The unit starts this very binary.
        Assert.Contains(Path.Combine(AppContext.BaseDirectory, "MemoSync.Cli.dll") + " run --log-file /var/log/memosync/auto_sync.log --metrics-port 9464", unit, StringComparison.Ordinal);

        var verify = new ProcessStartInfo(analyze, ["verify", unitPath]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(verify)!;
        var complaints = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0 && complaints.Length == 0, $"systemd-analyze verify: exit {process.ExitCode}: {complaints}");
    }

    [Fact]
    public async Task Service_install_refuses_an_account_name_that_is_not_one()
    {
        var install = await CliRun.InAsync(_dir, new(), "", "service", "install", "--user", "mem sync;rm", "--output", Path.Combine(_dir, "x.service"));
        Assert.Equal(2, install.Code);
        Assert.Contains("--user 'mem sync;rm' is not a valid account name", install.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.service")));
    }

    [Fact]
    public async Task The_daemon_is_ready_only_after_trying_Memobase_then_pings_the_watchdog_and_says_it_stops()
    {
        // A Memobase that takes the connection and does not answer until the test lets it go.
        using var memobase = new TcpListener(IPAddress.Loopback, 0);
        memobase.Start();
        var socketPath = Path.Combine(_dir, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));

        using var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = $"http://127.0.0.1:{((IPEndPoint)memobase.LocalEndpoint).Port}/",
            ["MEMOBASE_TOKEN"] = "systemd-test-token",
            ["MEMOSYNC_JOURNAL"] = Path.Combine(_dir, "memosync.db"),
            ["NOTIFY_SOCKET"] = socketPath,
            ["WATCHDOG_USEC"] = "400000",
        }, "run", "--log-file", Path.Combine(_dir, "logs", "auto_sync.log"));
        var output = daemon.StandardOutput.ReadToEndAsync();
        try
        {
            using (var hanging = await memobase.AcceptSocketAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token))
            {
                // Memobase is being tried: systemd must not hear READY=1 yet.
                Assert.Null(await ReceiveAsync(notify, TimeSpan.FromSeconds(1.5)));
            }
            memobase.Stop();

            var messages = new List<string>();
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (messages.Count(m => m == "WATCHDOG=1") < 2)
                {
                    messages.Add(await ReceiveAsync(notify, TimeSpan.FromSeconds(30)) ?? throw new TimeoutException(string.Join(" | ", messages)));
                }
            }
            Assert.StartsWith("READY=1", messages[0], StringComparison.Ordinal);
            var log = string.Concat(Directory.GetFiles(Path.Combine(_dir, "logs")).Select(f => File.ReadAllText(f)));
            Assert.Contains("[INFO] Journal open: 0 pending, 0 dead", log, StringComparison.Ordinal);

            using (var term = Process.Start("kill", ["-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            string? stopping;
            do
            {
                stopping = await ReceiveAsync(notify, TimeSpan.FromSeconds(20));
            }
            while (stopping == "WATCHDOG=1");
            Assert.Equal("STOPPING=1", stopping);
            await daemon.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            Assert.True(daemon.ExitCode == 0, await output);
        }
        finally
        {
            if (!daemon.HasExited)
            {
                daemon.Kill();
            }
        }
    }

    private static async Task<string?> ReceiveAsync(Socket socket, TimeSpan wait)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return Encoding.UTF8.GetString(buffer, 0, length).Trim();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
