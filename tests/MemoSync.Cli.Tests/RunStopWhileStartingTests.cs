using System.Net;
using System.Net.Sockets;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary><c>memosync run</c> stopped by systemd while it is still starting: what the chaos soak (bench/chaos) ran into.</summary>
public sealed class RunStopWhileStartingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-run-stop-").FullName;

    [Fact]
    public async Task SIGTERM_while_the_daemon_still_waits_for_Memobases_first_answer_stops_it_with_exit_code_0()
    {
        // A Memobase that takes the connection and has not answered yet: the daemon is in its check before delivering.
        using var memobase = new TcpListener(IPAddress.Loopback, 0);
        memobase.Start();
        using var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = $"http://127.0.0.1:{((IPEndPoint)memobase.LocalEndpoint).Port}/",
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = Path.Combine(_dir, "memosync.db"),
        }, "run");
        var output = daemon.StandardOutput.ReadToEndAsync();
        var errors = daemon.StandardError.ReadToEndAsync();
        using var waiting = await memobase.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(60));

        await CliProcess.StopAsync(daemon, "TERM", TimeSpan.FromSeconds(20));

        // systemd's Restart=on-failure would start again a daemon it was told to stop, had it exited non-zero.
        Assert.Equal("", await errors);
        Assert.Equal(0, daemon.ExitCode);
        Assert.Contains("memosync run: stopped", await output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
