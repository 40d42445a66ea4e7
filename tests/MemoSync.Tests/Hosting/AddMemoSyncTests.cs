using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Emulator;
using MemoSync.Hosting;
using MemoSync.Journal;
using MemoSync.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MemoSync.Tests.Hosting;

/// <summary>An application wired by <c>AddMemoSync</c>, as a real host, against the emulator over loopback.</summary>
public sealed class AddMemoSyncTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static IHost Build(Dictionary<string, string?> settings, Action<MemoSyncOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMemoSync(builder.Configuration, configure);
        return builder.Build();
    }

    [Fact]
    public async Task Turns_recorded_through_the_factory_are_delivered_and_the_worker_drains_when_the_host_stops()
    {
        // Slow answers: when the host is told to stop, most turns are still queued.
        await using var server = await RunningEmulator.StartAsync(o => o.Faults = new FaultSettings { LatencyMinMs = 30, LatencyMaxMs = 30 });
        using var host = Build(new()
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"),
        });
        await host.StartAsync();

        var recorder = host.Services.GetRequiredService<DialogueRecorderFactory>().Create("alice", "s1");
        for (var i = 0; i < 20; i++)
        {
            recorder.AddUserMessage($"question {i}");
            recorder.AddAssistantMessage($"answer {i}");
            await recorder.FinalizeTurnAsync();
        }
        await host.StopAsync();

        Assert.Equal((20L, 0L), (server.Emulator.GetStats().BlobsReceived, server.Emulator.GetStats().Duplicates));
        Assert.Equal(20, host.Services.GetRequiredService<DeliveryEngine>().Statistics.SyncedCount);
        Assert.Equal(20, (await host.Services.GetRequiredService<IDialogueJournal>().GetStatusAsync()).Synced);
    }

    [Fact]
    public async Task A_wrong_setting_stops_the_start_with_one_sentence_naming_it()
    {
        using var host = Build(new() { ["MEMOBASE_URL"] = "localhost:8019", ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"), ["MEMOSYNC_LANES"] = "0" });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(3, e.Failures.Count());
        Assert.Contains("MEMOSYNC_LANES must be from 1 to 1000, got 0.", e.Failures);
        Assert.Contains(e.Failures, f => f.StartsWith("MEMOBASE_URL must be an absolute http:// or https:// URL, got 'localhost:8019'", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("MEMOBASE_TOKEN is not set", StringComparison.Ordinal));
        Assert.False(File.Exists(_dir.File("memosync.db")));
    }

    [Fact]
    public async Task A_lane_count_that_is_not_a_number_stops_the_start_naming_it()
    {
        using var host = Build(new() { ["MEMOBASE_TOKEN"] = "t", ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"), ["MEMOSYNC_LANES"] = "eight" });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("MEMOSYNC_LANES must be a positive whole number, got 'eight'.", Assert.Single(e.Failures));
    }

    [Fact]
    public async Task A_sync_interval_of_5000000_seconds_stops_the_start_naming_the_setting_its_value_and_the_range()
    {
        using var host = Build(new() { ["MEMOBASE_TOKEN"] = "t", ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"), ["MEMOBASE_SYNC_INTERVAL"] = "5000000" });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("MEMOBASE_SYNC_INTERVAL must be more than 0 and at most 86400 seconds, got 5000000.", Assert.Single(e.Failures));
        Assert.False(File.Exists(_dir.File("memosync.db")));
    }

    [Fact]
    public async Task A_lease_shorter_than_a_delivery_can_take_stops_the_start_naming_both()
    {
        using var host = Build(new()
        {
            ["MEMOBASE_TOKEN"] = "t", ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"), ["MEMOSYNC_LEASE"] = "60", ["MEMOBASE_TIMEOUT"] = "30",
        });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("MEMOSYNC_LEASE (60 s) must be at least three times MEMOBASE_TIMEOUT (30 s), or a delivery's request could outlive its lease.",
            Assert.Single(e.Failures));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_postgres_journal_without_MemoSync_Postgres_registered_stops_the_start_in_one_sentence_and_creates_no_file(bool inCode)
    {
        // Before, this opened a SQLite file named after the URL, password and all, under ./postgres:/
        const string Location = "postgres://u:pw@127.0.0.1:9/db";
        using var host = Build(new() { ["MEMOBASE_TOKEN"] = "t", ["MEMOSYNC_JOURNAL"] = inCode ? _dir.File("memosync.db") : Location },
            inCode ? o => o.UsePostgres(Location) : null);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("MEMOSYNC_JOURNAL names a PostgreSQL database, but MemoSync.Postgres is not registered: reference the MemoSync.Postgres package "
            + "and call services.AddMemoSyncPostgres().", Assert.Single(e.Failures));
        Assert.False(Directory.Exists("postgres:"));
        Assert.False(File.Exists(_dir.File("memosync.db")));
    }

    [Fact]
    public async Task A_MemoSync_section_configures_it()
    {
        await using var server = await RunningEmulator.StartAsync();
        using var host = Build(new()
        {
            ["MemoSync:MemobaseUrl"] = server.Emulator.BaseAddress.ToString(),
            ["MemoSync:MemobaseToken"] = RunningEmulator.Token,
            ["MemoSync:Journal"] = _dir.File("section.db"),
            ["MemoSync:Delivery:Lanes"] = "3",
            ["MemoSync:MemobaseTimeout"] = "00:00:10",
        });

        await HostedTurn.RecordOneAsync(host);

        var options = host.Services.GetRequiredService<IOptions<MemoSyncOptions>>().Value;
        Assert.Equal((3, TimeSpan.FromSeconds(10)), (options.Delivery.Lanes, options.MemobaseTimeout));
        Assert.Equal(1L, server.Emulator.GetStats().BlobsReceived);
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("section.db") });
        Assert.Equal(1, (await journal.GetStatusAsync()).Synced);
    }

    [Fact]
    public void The_guide_s_flat_names_win_over_the_MemoSync_section()
    {
        using var host = Build(new()
        {
            ["MemoSync:MemobaseToken"] = "from-section", ["MEMOBASE_TOKEN"] = "from-flat-name",
            ["MemoSync:Journal"] = _dir.File("section.db"), ["MEMOSYNC_JOURNAL"] = _dir.File("flat.db"),
            ["MemoSync:Delivery:Lanes"] = "3", ["MEMOSYNC_LANES"] = "5",
            ["MemoSync:MemobaseUrl"] = "http://section.example/",
        });

        var options = host.Services.GetRequiredService<IOptions<MemoSyncOptions>>().Value;

        Assert.Equal(("from-flat-name", _dir.File("flat.db"), 5), (options.MemobaseToken, options.Journal, options.Delivery.Lanes));
        Assert.Equal("http://section.example/", options.MemobaseUrl);
    }

    [Fact]
    public async Task A_section_value_that_cannot_be_read_stops_the_start_naming_its_key()
    {
        using var host = Build(new() { ["MEMOBASE_TOKEN"] = "t", ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"), ["MemoSync:Delivery:Lanes"] = "eight" });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("'MemoSync:Delivery:Lanes'", Assert.Single(e.Failures), StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("memosync.db")));
    }

    public void Dispose() => _dir.Dispose();
}
