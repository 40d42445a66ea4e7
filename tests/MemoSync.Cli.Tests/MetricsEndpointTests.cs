using System.Text.RegularExpressions;
using MemoSync.Cli.Operations;
using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Emulator;
using MemoSync.Hosting;
using MemoSync.Journal;
using MemoSync.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemoSync.Cli.Tests;

/// <summary>The Prometheus endpoint of the daemon, scraped over loopback after a run whose every count is known.</summary>
[Collection(nameof(MeterTests))]
public sealed class MetricsEndpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-metrics-").FullName;

    [Fact]
    public async Task The_endpoint_shows_every_count_of_a_known_run()
    {
        await using var server = await RunningEmulator.StartAsync();
        var port = LoopbackPort.Unused();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddMemoSync(o =>
        {
            o.MemobaseUrl = server.Emulator.BaseAddress.ToString();
            o.MemobaseToken = RunningEmulator.Token;
            o.UseSqlite(Path.Combine(_dir, "memosync.db"));
            // One attempt per delivery and no retry during the test: every count below follows from the turns recorded.
            o.Delivery = new DeliveryOptions { MaxRetries = 1, SyncInterval = TimeSpan.FromHours(1) };
        });
        builder.Services.AddMemoSyncMetrics(port);
        using var host = builder.Build();
        await host.StartAsync();
        var journal = host.Services.GetRequiredService<IDialogueJournal>();
        var engine = host.Services.GetRequiredService<DeliveryEngine>();
        Task Say(string user, int turns) => RecordAsync(new DialogueRecorder(journal, engine, user, null, TimeProvider.System), turns);

        // Two turns Memobase refuses (errno 400): dead at once.
        server.Emulator.Faults = new FaultSettings { RejectRate = 1 };
        await Say("dana", 1);
        await Say("erin", 1);
        await WaitAsync(journal, s => s.Dead == 2);
        // Five delivered.
        server.Emulator.Faults = new FaultSettings();
        await Say("alice", 5);
        await WaitAsync(journal, s => s.Synced == 5);
        // Memobase down: bob's first turn fails once (a retry charged); his second waits behind it in the journal.
        server.Emulator.Faults = new FaultSettings { Outage = true };
        await Say("bob", 1);
        await WaitAsync(journal, s => s.RecentErrors.Any(e => e.UserId == "bob"));
        await Say("bob", 1);

        var metrics = await ScrapeUntilAsync(port, m => m["memosync_journal_pending"] == 2);

        // Bob's second turn waits in the journal behind his first: the engine takes it only once that one is through.
        Assert.Equal(8, metrics["memosync_delivery_taken_total"]);
        Assert.Equal(5, metrics["memosync_delivery_synced_total"]);
        Assert.Equal(1, metrics["memosync_delivery_failed_total"]);
        Assert.Equal(2, metrics["memosync_delivery_dead_total"]);
        Assert.Equal(2, metrics["memosync_journal_dead_turns"]);
        Assert.Equal(5, metrics["memosync_delivery_latency_seconds_count"]);
        Assert.InRange(metrics["memosync_delivery_latency_seconds_sum"] ?? double.NaN, 0.000001, 60);
        Assert.InRange(metrics["memosync_journal_oldest_pending_age_seconds"] ?? double.NaN, 0.001, 600);
        Assert.Equal(2, metrics["memosync_memobase_errors_total", "kind=\"permanent\""]);
        Assert.Equal(1, metrics["memosync_memobase_errors_total", "kind=\"transient\""]);
        // Every series the shipped alert rules read is one the daemon serves: a renamed metric would silence an alert.
        var rules = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "memosync-alerts.yml"));
        var read = Regex.Matches(rules, @"\bmemosync_[a-z_]+").Select(m => m.Value).Distinct().ToList();
        Assert.Contains("memosync_delivery_latency_seconds_bucket", read);
        Assert.All(read, name => Assert.True(metrics[name] is not null, $"deploy/memosync-alerts.yml reads {name}, which the daemon does not serve"));
        await host.StopAsync();
    }

    [Fact]
    public async Task The_daemon_counts_what_it_delivers_for_other_processes()
    {
        await using var server = await RunningEmulator.StartAsync();
        var journalPath = Path.Combine(_dir, "daemon.db");
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = journalPath }))
        {
            // Said a minute ago, recorded by a process that is gone: the daemon claims them.
            var past = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-1));
            await journal.AppendManyAsync(Enumerable.Range(0, 12)
                .Select(i => Turn.Create($"user-{i % 3}", null, [new(Memobase.Models.ChatMessage.UserRole, $"turn {i}")], past)).ToList());
        }
        var port = LoopbackPort.Unused();
        using var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOBASE_SYNC_INTERVAL"] = "1",
            ["MEMOSYNC_JOURNAL"] = journalPath,
        }, "run", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var metrics = await ScrapeUntilAsync(port, m => m["memosync_delivery_synced_total"] == 12 && m["memosync_journal_pending"] == 0);

            Assert.Equal(12, metrics["memosync_delivery_latency_seconds_count"]);
            // Counted from when the journal took each turn, not from the minute-old time the turns carry.
            Assert.InRange(metrics["memosync_delivery_latency_seconds_sum"] ?? double.NaN, 0.000001, 12 * 59);
            Assert.Null(metrics["memosync_delivery_failed_total"]);
            Assert.Equal(12, server.Emulator.GetStats().BlobsReceived);
        }
        finally
        {
            daemon.Kill();
        }
    }

    [Fact]
    public async Task The_endpoint_listens_on_the_address_given_and_nowhere_else()
    {
        await using var server = await RunningEmulator.StartAsync();
        var port = LoopbackPort.Unused();
        // Another loopback address: the endpoint moves there, and the test still never leaves this machine.
        const string address = "127.0.0.2";
        using var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = Path.Combine(_dir, "address.db"),
        }, "run", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--metrics-address", address);
        try
        {
            await ScrapeUntilAsync(port, m => m["memosync_journal_pending"] == 0, address);

            using var http = new HttpClient();
            Assert.Null(await PrometheusScrape.ReadAsync(http, port, CancellationToken.None));
        }
        finally
        {
            daemon.Kill();
        }
    }

    [Fact]
    public async Task A_metrics_address_that_is_not_an_IP_address_is_refused_naming_it()
    {
        var run = await CliRun.InAsync(_dir, new Dictionary<string, string> { ["MEMOBASE_URL"] = "http://127.0.0.1:9", ["MEMOBASE_TOKEN"] = "t" }, "",
            "run", "--metrics-port", "9464", "--metrics-address", "metrics.example");

        Assert.NotEqual(0, run.Code);
        Assert.Contains("--metrics-address must be an IP address of this machine (such as 127.0.0.1) or * for all of them, got 'metrics.example'", run.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "data", "memosync.db")));
    }

    private static async Task RecordAsync(DialogueRecorder recorder, int turns)
    {
        for (var i = 0; i < turns; i++)
        {
            recorder.AddUserMessage($"message {i}");
            recorder.AddAssistantMessage("noted");
            await recorder.FinalizeTurnAsync();
        }
    }

    private static async Task WaitAsync(IDialogueJournal journal, Func<JournalStatus, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!done(await journal.GetStatusAsync(10, deadline.Token)))
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private static async Task<PrometheusScrape> ScrapeUntilAsync(int port, Func<PrometheusScrape, bool> ready, string address = MetricsExport.Loopback)
    {
        using var http = new HttpClient();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            // Null until the daemon listens.
            if (await PrometheusScrape.ReadAsync(http, port, deadline.Token, address) is { } scrape && ready(scrape))
            {
                return scrape;
            }
            await Task.Delay(200, deadline.Token);
        }
    }


    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
