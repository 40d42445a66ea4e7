using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Emulator;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemoSync.Tests.Delivery;

/// <summary>The recorder and the real-time worker against the emulator over real HTTP.</summary>
public sealed class RealtimeSyncWorkerTests : IAsyncLifetime
{
    private static readonly string[] Users = ["alice", "bob", "carol"];
    private readonly TempDirectory _dir = new();
    private readonly DeliveryOptions _delivering = new() { RetryDelay = TimeSpan.FromMilliseconds(10), RealtimeGrace = TimeSpan.Zero };
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

    private RealtimeSyncWorker Worker(MemobaseClient? client = null, WorkerOptions? options = null, DeliveryOptions? delivering = null)
    {
        var delivery = new TurnDelivery(client ?? _server.Client, _journal, delivering ?? _delivering, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
        return new RealtimeSyncWorker(_journal, delivery, delivering ?? _delivering, options ?? new WorkerOptions(), TimeProvider.System, NullLogger<RealtimeSyncWorker>.Instance);
    }

    private static async Task RecordAsync(DialogueRecorder recorder, int turns)
    {
        for (var i = 0; i < turns; i++)
        {
            recorder.AddUserMessage($"question {i}");
            recorder.AddAssistantMessage($"answer {i}");
            Assert.NotNull(await recorder.FinalizeTurnAsync());
        }
    }

    [Fact]
    public async Task Recorded_turns_are_delivered_at_once_each_exactly_once_and_counted()
    {
        await using (var worker = Worker())
        {
            var users = Users.Select(u => new DialogueRecorder(_journal, worker, u, "s1", TimeProvider.System)).ToList();
            await Task.WhenAll(users.Select(r => RecordAsync(r, 20)));
            await worker.DisposeAsync();
            Assert.Equal((60L, 60L, 0L), (worker.Statistics.EnqueuedCount, worker.Statistics.SyncedCount, worker.Statistics.DeferredCount));
            Assert.Contains("success rate:    100.0%", worker.Statistics.ToTable(), StringComparison.Ordinal);
        }
        Assert.Equal(60, (await _journal.GetStatusAsync()).Synced);
        var stats = _server.Emulator.GetStats();
        Assert.Equal((60L, 0L, 3), (stats.BlobsReceived, stats.Duplicates, stats.Users.Count));
    }

    [Fact]
    public async Task A_full_queue_defers_turns_to_the_sweeper_and_loses_none()
    {
        _server.Emulator.Faults = new FaultSettings { LatencyMinMs = 50, LatencyMaxMs = 50 };
        await using var worker = Worker(options: new WorkerOptions { MaxQueueSize = 2, Lanes = 1 });
        var recorder = new DialogueRecorder(_journal, worker, "alice", null, TimeProvider.System);
        await RecordAsync(recorder, 20);
        await worker.DisposeAsync();

        Assert.True(worker.Statistics.DeferredCount > 0, "the queue never filled");
        Assert.Equal(20, (await _journal.GetStatusAsync()).Pending + (await _journal.GetStatusAsync()).Synced);
        var delivery = new TurnDelivery(_server.Client, _journal, _delivering, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
        var sweeper = new RecoverySweeper(_journal, delivery, _delivering, TimeProvider.System, NullLogger<RecoverySweeper>.Instance);
        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Equal(20, (await _journal.GetStatusAsync()).Synced);
        Assert.Equal((20L, 0L), (_server.Emulator.GetStats().BlobsReceived, _server.Emulator.GetStats().Duplicates));
    }

    [Fact]
    public async Task A_wrong_token_pauses_real_time_delivery_without_charging_any_turn()
    {
        var wrong = new MemobaseClient(new HttpClient(), new MemobaseClientOptions { BaseUrl = _server.Emulator.BaseAddress.ToString(), Token = "wrong" });
        await using var worker = Worker(wrong);
        var recorder = new DialogueRecorder(_journal, worker, "alice", null, TimeProvider.System);
        await RecordAsync(recorder, 5);
        await worker.DisposeAsync();

        Assert.True(worker.IsPaused);
        Assert.Equal(0, worker.Statistics.SyncedCount);
        Assert.All(await _journal.ListAsync(TurnState.Pending, 10), e => Assert.Equal(0, e.RetryCount));
        Assert.Equal(5, (await _journal.ListAsync(TurnState.Pending, 10)).Count);
    }

    [Fact]
    public async Task Transient_faults_are_retried_quickly_and_what_still_fails_ends_synced_by_the_sweeper_in_order()
    {
        _server.Emulator.Faults = new FaultSettings { Http503Rate = 0.3, Seed = 11 };
        // Backoff of zero: a failed turn is due again at once, so the test needs no clock.
        var immediate = _delivering with { SweepInterval = TimeSpan.Zero, MaxBackoff = TimeSpan.Zero, SweepMaxRetries = 100 };
        await using var worker = Worker(delivering: immediate);
        await RecordAsync(new DialogueRecorder(_journal, worker, "alice", null, TimeProvider.System), 20);
        await worker.DisposeAsync();
        Assert.True(worker.Statistics.FailedCount + worker.Statistics.DeferredCount > 0, "no fault struck");

        var delivery = new TurnDelivery(_server.Client, _journal, immediate, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
        var sweeper = new RecoverySweeper(_journal, delivery, immediate, TimeProvider.System, NullLogger<RecoverySweeper>.Instance);
        for (var sweep = 0; sweep < 100 && (await _journal.GetStatusAsync()).Pending > 0; sweep++)
        {
            await sweeper.SweepOnceAsync(CancellationToken.None);
        }

        Assert.Equal(20, (await _journal.GetStatusAsync()).Synced);
        var alice = MemobaseUserId.FromName("alice");
        var delivered = new List<string>();
        _server.Emulator.Faults = new FaultSettings();
        foreach (var blob in await _server.Client.ListBlobIdsAsync(alice, pageSize: 100))
        {
            delivered.Add((string)(await _server.Client.GetBlobAsync(alice, blob)).Fields![TurnDelivery.TurnIdField]!);
        }
        var recorded = (await _journal.ListAsync(null, 100)).Select(e => e.Turn.Id.ToString());
        Assert.Equal(recorded, delivered);
    }

    [Fact]
    public async Task As_many_users_as_lanes_are_delivered_side_by_side_none_waiting_for_another()
    {
        _server.Emulator.Faults = new FaultSettings { LatencyMinMs = 300, LatencyMaxMs = 300 };
        await using var worker = Worker();
        async Task<TimeSpan> FirstTurnsAsync(IEnumerable<string> users)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var before = worker.Statistics.SyncedCount;
            var recorders = users.Select(u => new DialogueRecorder(_journal, worker, u, null, TimeProvider.System)).ToList();
            await Task.WhenAll(recorders.Select(r => RecordAsync(r, 1)));
            await worker.Statistics.UntilSyncedAsync(before + recorders.Count);
            return watch.Elapsed;
        }

        // A new user's first turn (the user is created, then the blob inserted), alone once the path is warm, then eight
        // users' at once on the eight lanes.
        await FirstTurnsAsync(["warm-up"]);
        var alone = await FirstTurnsAsync(["solo"]);
        var eight = await FirstTurnsAsync(Enumerable.Range(0, new WorkerOptions().Lanes).Select(i => $"user-{i}"));

        // Two users sharing a lane would take twice as long as one: eight users hashed onto eight lanes almost always do.
        Assert.True(eight < alone * 1.5, $"eight users took {eight.TotalMilliseconds:0} ms, one took {alone.TotalMilliseconds:0} ms");
        Assert.Equal(0L, worker.Statistics.DeferredCount);
    }
}
