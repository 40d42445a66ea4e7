using MemoSync.Journal;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary>The password of a PostgreSQL journal and the Memobase token never appear in what <c>memosync</c> prints, even with <c>--verbose</c>, nor in its metrics.</summary>
public sealed class SecretsCommandTests : IDisposable
{
    private const string Password = "pg-s3cret-Pa55";
    private const string WrongToken = "wrong-s3cret-token";

    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-secrets-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("status")]
    [InlineData("export")]
    [InlineData("migrate")]
    public async Task A_PostgreSQL_journal_that_cannot_be_reached_is_named_without_its_password(params string[] command)
    {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        var location = $"postgres://memo:{Password}@127.0.0.1:9/memosync";

        var run = await CliRun.InAsync(_dir, [], "", [.. command, "--journal", location, "--verbose"]);

        Assert.NotEqual(0, run.Code);
        Assert.Contains("memo@127.0.0.1:9/memosync", run.Out + run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Out + run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_Memobase_refuses_is_never_printed()
    {
        await using var server = await RunningEmulator.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = WrongToken,
            ["MEMOSYNC_JOURNAL"] = Path.Combine(_dir, "memosync.db"),
        };

        var health = await CliRun.InAsync(_dir, settings, "", "health", "--verbose");
        var run = await CliRun.InAsync(_dir, settings, "", "run", "--verbose");

        Assert.NotEqual(0, health.Code);
        Assert.NotEqual(0, run.Code);
        Assert.DoesNotContain(WrongToken, health.ToString() + run, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_metrics_never_hold_the_token()
    {
        await using var server = await RunningEmulator.StartAsync();
        var journalPath = Path.Combine(_dir, "memosync.db");
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = journalPath }))
        {
            await journal.AppendAsync(Turn.Create("alice", null, [new(Memobase.Models.ChatMessage.UserRole, "hi")], TimeProvider.System));
        }
        var port = LoopbackPort.Unused();
        using var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = journalPath,
        }, "run", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _ = daemon.StandardOutput.ReadToEndAsync();
        _ = daemon.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string metrics;
            while (true)
            {
                try
                {
                    metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"), deadline.Token);
                    if (metrics.Contains("memosync_delivery_synced_total", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                await Task.Delay(200, deadline.Token);
            }
            Assert.DoesNotContain(RunningEmulator.Token, metrics, StringComparison.Ordinal);
        }
        finally
        {
            daemon.Kill();
        }
    }

}
