using System.Diagnostics;
using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Emulator;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace MemoSync.Tests.Delivery;

/// <summary>The delivery engine against the emulator over real HTTP, on a real SQLite file, on the real clock.</summary>
public sealed class DeliveryEngineTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private RunningEmulator _server = null!;
    private SqliteJournal _journal = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningEmulator.StartAsync(o => o.PersistentChatBlobs = true);
        _journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
    }

    public async Task DisposeAsync()
    {
        await _journal.DisposeAsync();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private DeliveryEngine Start(DeliveryOptions options, IDialogueJournal? journal = null, MemobaseClient? client = null)
    {
        journal ??= _journal;
        var delivery = new TurnDelivery(client ?? _server.Client, journal, options, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
        var engine = new DeliveryEngine(journal, delivery, options, TimeProvider.System, NullLogger<DeliveryEngine>.Instance);
        engine.Start();
        return engine;
    }

    private static async Task RecordAsync(DialogueRecorder recorder, int i)
    {
        recorder.AddUserMessage($"question {i}");
        recorder.AddAssistantMessage($"answer {i}");
        await recorder.FinalizeTurnAsync();
    }

    private async Task UntilAsync(Func<JournalStatus, bool> done, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!done(await _journal.GetStatusAsync(0, CancellationToken.None)))
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    [Fact]
    public async Task A_burst_larger_than_the_engine_holds_is_all_delivered_in_order_without_waiting_for_the_sync_interval()
    {
        // The engine holds 50 turns; the other 550 of the burst wait in the journal and are pulled as room frees up.
        await using var engine = Start(new DeliveryOptions { MaxHeld = 50, ClaimBatch = 20 });
        var recorder = new DialogueRecorder(_journal, engine, "alice", "s1", TimeProvider.System);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 600; i++)
        {
            await RecordAsync(recorder, i);
        }
        await UntilAsync(s => s.Synced == 600, TimeSpan.FromSeconds(120));
        watch.Stop();
        output.WriteLine($"600 turns recorded and synced in {watch.Elapsed.TotalSeconds:0.0} s; {engine.Statistics.DeferredCount} deferred");

        Assert.True(engine.Statistics.DeferredCount > 0, "the burst never filled the engine: the test shows nothing");
        var recorded = (await _journal.ListAsync(TurnState.Synced, 1000)).Select(e => e.Turn.Id).ToList();
        Assert.Equal(recorded, await _server.StoredTurnIdsAsync("alice"));
        Assert.Equal(0L, _server.Emulator.GetStats().Duplicates);
    }

    [Fact]
    public async Task A_turn_recorded_by_another_process_on_the_same_file_is_delivered_within_milliseconds()
    {
        await using var engine = Start(new DeliveryOptions());
        await using var other = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
        await RecordAsync(new DialogueRecorder(other, null, "bob", null, TimeProvider.System), 0);
        await engine.Statistics.UntilSyncedAsync(1);

        var latencies = new List<double>();
        for (var i = 1; i <= 10; i++)
        {
            var watch = Stopwatch.StartNew();
            await RecordAsync(new DialogueRecorder(other, null, "bob", null, TimeProvider.System), i);
            await engine.Statistics.UntilSyncedAsync(i + 1);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        output.WriteLine($"recorded elsewhere -> synced: median {latencies[5]:0} ms, max {latencies[^1]:0} ms");
        // The sync interval is 300 s: only the journal's change signal can explain a delivery this soon.
        Assert.True(latencies[5] < 500, $"median {latencies[5]:0} ms");
    }

    [Fact]
    public async Task With_a_third_of_the_answers_lost_every_turn_is_synced_once_and_none_dies()
    {
        _server.Emulator.Faults = new FaultSettings { LostAnswerRate = 0.3, Seed = 7 };
        await using var engine = Start(new DeliveryOptions { RetryDelay = TimeSpan.FromMilliseconds(20), SyncInterval = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromMilliseconds(400) });
        string[] users = ["ann", "ben", "cho", "dev", "eve"];
        foreach (var (user, u) in users.Select((user, u) => (user, u)))
        {
            var recorder = new DialogueRecorder(_journal, engine, user, null, TimeProvider.System);
            for (var i = 0; i < 10; i++)
            {
                await RecordAsync(recorder, u * 10 + i);
            }
        }
        await UntilAsync(s => s.Synced == 50, TimeSpan.FromSeconds(60));

        var stats = _server.Emulator.GetStats();
        output.WriteLine($"{stats.LostAnswers} answers lost, {engine.Statistics.VerifiedCount} turns found stored, {stats.Duplicates} duplicates");
        Assert.True(stats.LostAnswers > 0);
        Assert.Equal(0, (await _journal.GetStatusAsync()).Dead);
        // The chat blobs are all still there to be found: a lost answer never becomes a second blob.
        Assert.Equal((50L, 0L), (stats.BlobsReceived, stats.Duplicates));
        Assert.True(engine.Statistics.VerifiedCount > 0);
    }

    [Theory]
    [InlineData(130)]
    [InlineData(2_000_000_000)]
    public async Task A_retry_after_longer_than_the_lease_is_never_waited_for_in_flight_and_never_puts_a_turn_past_the_longest_backoff(int seconds)
    {
        _server.Emulator.Faults = new FaultSettings { Http429Rate = 1, RetryAfterSeconds = seconds };
        var options = new DeliveryOptions { Lease = TimeSpan.FromSeconds(120), MaxBackoff = TimeSpan.FromMinutes(10) };
        await using var first = Start(options);
        await using var second = Start(options);
        var recorder = new DialogueRecorder(_journal, first, "alice", null, TimeProvider.System);
        recorder.AddUserMessage("hello");
        var turn = (await recorder.FinalizeTurnAsync())!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JournalEntry entry;
        while ((entry = (await _journal.GetAsync(turn.Id))!).LastError is null)
        {
            await Task.Delay(10, deadline.Token);
        }

        Assert.Null(entry.LeaseUntil);
        Assert.InRange(entry.NextAttemptAt, DateTimeOffset.UtcNow.AddSeconds(Math.Min(seconds, 600) - 30), DateTimeOffset.UtcNow + options.MaxBackoff);
        await Task.Delay(500);
        // One request with the turn, by one engine: neither waited in flight, and the other did not take it meanwhile.
        Assert.Equal(1, _server.Emulator.GetStats().FaultsInjected);
        Assert.Equal(1L, first.Statistics.FailedCount + second.Statistics.FailedCount);
    }
}
