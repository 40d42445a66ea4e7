using System.Diagnostics.Metrics;
using MemoSync.Dialogue;
using MemoSync.Health;
using MemoSync.Hosting;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace MemoSync.Tests.Hosting;

/// <summary>What <c>AddMemoSync</c> wires for operations: health checks, the journal's gauges, retention, and a substitutable client.</summary>
public sealed class OperationsWiringTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private IHost Build(string url, string token, Dictionary<string, string?>? more = null, Action<IServiceCollection>? before = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MEMOBASE_URL"] = url, ["MEMOBASE_TOKEN"] = token, ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"),
        });
        builder.Configuration.AddInMemoryCollection(more ?? []);
        before?.Invoke(builder.Services);
        builder.Services.AddMemoSync(builder.Configuration);
        return builder.Build();
    }

    private static async Task<HealthReport> HealthAsync(IHost host) =>
        await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains(MemoSyncHealthChecks.Tag));

    private static async Task RecordAsync(IHost host)
    {
        var recorder = host.Services.GetRequiredService<DialogueRecorderFactory>().Create("alice", "s1");
        recorder.AddUserMessage("question");
        recorder.AddAssistantMessage("answer");
        await recorder.FinalizeTurnAsync();
    }

    [Fact]
    public async Task Every_check_is_healthy_while_Memobase_answers_and_delivery_keeps_up()
    {
        await using var server = await RunningEmulator.StartAsync();
        using var host = Build(server.Emulator.BaseAddress.ToString(), RunningEmulator.Token);
        await host.StartAsync();
        await RecordAsync(host);

        var report = await HealthAsync(host);
        await host.StopAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal([MemoSyncHealthChecks.Backlog, MemoSyncHealthChecks.Delivery, MemoSyncHealthChecks.Journal, MemoSyncHealthChecks.Memobase],
            report.Entries.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Memobase_out_of_reach_is_unhealthy_and_a_turn_waiting_longer_than_the_limit_degrades_the_backlog()
    {
        using var host = Build($"http://127.0.0.1:{LoopbackPort.Unused()}/", "t", new() { ["MemoSync:Health:MaxPendingAge"] = "00:00:00.5" });
        await host.StartAsync();
        await RecordAsync(host);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var report = await HealthAsync(host);
        await host.StopAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("cannot be reached", report.Entries[MemoSyncHealthChecks.Memobase].Description, StringComparison.Ordinal);
        var backlog = report.Entries[MemoSyncHealthChecks.Backlog];
        Assert.Equal(HealthStatus.Degraded, backlog.Status);
        Assert.Equal(1L, backlog.Data["pending"]);
        Assert.Equal((HealthStatus.Healthy, HealthStatus.Healthy), (report.Entries[MemoSyncHealthChecks.Journal].Status, report.Entries[MemoSyncHealthChecks.Delivery].Status));
    }

    [Fact]
    public async Task A_refused_token_makes_Memobase_unhealthy_and_pauses_delivery_which_the_delivery_check_reports()
    {
        await using var server = await RunningEmulator.StartAsync();
        using var host = Build(server.Emulator.BaseAddress.ToString(), "not-the-token");
        await host.StartAsync();
        await RecordAsync(host);
        var engine = host.Services.GetRequiredService<MemoSync.Delivery.DeliveryEngine>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!engine.IsPaused)
        {
            await Task.Delay(20, deadline.Token);
        }

        var report = await HealthAsync(host);
        await host.StopAsync();

        Assert.Contains("refused", report.Entries[MemoSyncHealthChecks.Memobase].Description, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", string.Join(" ", report.Entries.Values.Select(e => e.Description)), StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries[MemoSyncHealthChecks.Delivery].Status);
        Assert.StartsWith("Delivery is paused until", report.Entries[MemoSyncHealthChecks.Delivery].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_journal_check_is_unhealthy_while_another_connection_holds_the_write_lock()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("locked.db"), BusyTimeout = TimeSpan.FromMilliseconds(200) });
        var check = new JournalHealthCheck(journal);
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration(MemoSyncHealthChecks.Journal, check, HealthStatus.Unhealthy, null) };
        Assert.Equal("The journal takes writes.", (await check.CheckHealthAsync(context)).Description);

        using (var other = new SqliteConnection($"Data Source={_dir.File("locked.db")};Pooling=False"))
        {
            other.Open();
            using var hold = other.CreateCommand();
            hold.CommandText = "BEGIN IMMEDIATE";
            hold.ExecuteNonQuery();

            var locked = await check.CheckHealthAsync(context);

            Assert.Equal(HealthStatus.Unhealthy, locked.Status);
            Assert.StartsWith("The journal takes no writes:", locked.Description, StringComparison.Ordinal);
        }
        Assert.Equal("The journal takes writes.", (await check.CheckHealthAsync(context)).Description);
    }

    [Fact]
    public async Task The_journal_gauges_are_published_when_the_host_starts_without_anything_resolving_them()
    {
        // 37 pending turns that cannot be delivered (Memobase is not there): a count no other test's journal shows.
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") }))
        {
            await journal.AppendManyAsync(Enumerable.Range(0, 37)
                .Select(i => Turn.Create("alice", "s1", [new ChatMessage("user", $"question {i}")], TimeProvider.System)).ToList());
        }
        using var host = Build($"http://127.0.0.1:{LoopbackPort.Unused()}/", "t");
        var pending = new List<long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meters) =>
            {
                if (instrument is { Meter.Name: "MemoSync", Name: "memosync.journal.pending" })
                {
                    meters.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            lock (pending)
            {
                pending.Add(value);
            }
        });
        listener.Start();

        await host.StartAsync();
        listener.RecordObservableInstruments();
        await host.StopAsync();

        Assert.Contains(37L, pending);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("30", 0)]
    public async Task Retention_purges_old_synced_turns_only_when_an_age_is_set(string? days, long left)
    {
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") }))
        {
            var longAgo = DateTimeOffset.UtcNow - TimeSpan.FromDays(40);
            var turn = new Turn(Guid.NewGuid(), "alice", "s1", [new ChatMessage("user", "old question")], longAgo);
            await journal.AddEntriesAsync([new JournalEntry(turn, TurnState.Synced, 0, longAgo, null, null, Guid.NewGuid(), longAgo)]);
        }
        await using var server = await RunningEmulator.StartAsync();
        using var host = Build(server.Emulator.BaseAddress.ToString(), RunningEmulator.Token, new() { ["MEMOSYNC_RETENTION_DAYS"] = days });
        await host.StartAsync();
        var status = host.Services.GetRequiredService<IDialogueJournal>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (left == 0 && (await status.GetStatusAsync(0, deadline.Token)).Synced > 0)
        {
            await Task.Delay(20, deadline.Token);
        }
        await host.StopAsync();

        Assert.Equal(left, (await status.GetStatusAsync()).Synced);
    }

    [Fact]
    public async Task An_application_s_own_Memobase_client_is_the_one_delivery_uses_with_its_own_options()
    {
        await using var server = await RunningEmulator.StartAsync();
        var calls = 0;
        // MemoSync's own token would be refused: only the application's client, with its options, gets the turn through.
        using var host = Build(server.Emulator.BaseAddress.ToString(), "not-the-token", before: services =>
            services.AddMemobaseClient(o => { o.BaseUrl = server.Emulator.BaseAddress.ToString(); o.Token = RunningEmulator.Token; })
                .AddHttpMessageHandler(() => new CountingHandler(() => Interlocked.Increment(ref calls))));

        await HostedTurn.RecordOneAsync(host);

        Assert.Equal(1L, server.Emulator.GetStats().BlobsReceived);
        Assert.True(calls >= 1, $"{calls} requests went through the application's handler");
    }

    private sealed class CountingHandler(Action counted) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counted();
            return base.SendAsync(request, cancellationToken);
        }
    }

    public void Dispose() => _dir.Dispose();
}
