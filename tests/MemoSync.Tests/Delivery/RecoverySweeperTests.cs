using MemoSync.Delivery;
using MemoSync.Emulator;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MemoSync.Tests.Delivery;

/// <summary>The sweeper and the delivery path against the emulator over real HTTP, with a fake clock for backoff.</summary>
public sealed class RecoverySweeperTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly DeliveryOptions _options = new() { SweepMaxRetries = 50, SweepBatchSize = 7, RealtimeGrace = TimeSpan.Zero };
    private RunningEmulator _server = null!;
    private SqliteJournal _journal = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningEmulator.StartAsync(o => o.PersistentChatBlobs = true);
        _journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") }, _time);
    }

    public async Task DisposeAsync()
    {
        await _journal.DisposeAsync();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private RecoverySweeper Sweeper(MemobaseClient? client = null, DeliveryOptions? options = null)
    {
        var delivery = new TurnDelivery(client ?? _server.Client, _journal, options ?? _options, _time, NullLogger<TurnDelivery>.Instance);
        return new RecoverySweeper(_journal, delivery, options ?? _options, _time, NullLogger<RecoverySweeper>.Instance);
    }

    private async Task<List<Turn>> RecordAsync(int perUser, params string[] users)
    {
        var turns = new List<Turn>();
        for (var i = 0; i < perUser; i++)
        {
            foreach (var user in users)
            {
                _time.Advance(TimeSpan.FromMilliseconds(5));
                turns.Add(Turn.Create(user, "s1",
                    [new(ChatMessage.UserRole, $"{user} says {i}", null, $"2024-12-04T10:{i:00}:00"), new(ChatMessage.AssistantRole, $"reply {i}")], _time));
            }
        }
        await _journal.AppendManyAsync(turns);
        return turns;
    }

    /// <summary>Sweeps, moving the clock past every backoff, until nothing is pending.</summary>
    private async Task<int> SweepUntilSettledAsync(RecoverySweeper sweeper)
    {
        for (var sweep = 1; sweep <= 60; sweep++)
        {
            await sweeper.SweepOnceAsync(CancellationToken.None);
            if ((await _journal.GetStatusAsync()).Pending == 0)
            {
                return sweep;
            }
            _time.Advance(_options.MaxBackoff);
        }
        throw new InvalidOperationException("turns were still pending after 60 sweeps");
    }

    [Fact]
    public async Task Turns_recorded_while_Memobase_is_down_are_delivered_once_in_order_with_their_own_times_when_it_returns()
    {
        var turns = await RecordAsync(10, "alice", "bob", "张三");
        var sweeper = Sweeper();
        _server.Emulator.Faults = new FaultSettings { Outage = true };

        var down = await sweeper.SweepOnceAsync(CancellationToken.None);

        // One failed attempt per user: the rest of a user's turns wait behind it instead of hammering a server that is down.
        Assert.Equal((0, 3), (down.Synced, down.Retrying));
        Assert.Equal(3, (await _journal.ListAsync(TurnState.Pending, 100)).Count(e => e.RetryCount == 1));

        _server.Emulator.Faults = new FaultSettings();
        Assert.Equal(0, (await sweeper.SweepOnceAsync(CancellationToken.None)).Claimed);
        _time.Advance(_options.MaxBackoff);
        Assert.Equal(30, (await sweeper.SweepOnceAsync(CancellationToken.None)).Synced);

        var stats = _server.Emulator.GetStats();
        Assert.Equal((30L, 0L), (stats.BlobsReceived, stats.Duplicates));
        foreach (var user in new[] { "alice", "bob", "张三" })
        {
            var id = MemobaseUserId.FromName(user);
            var blobs = new List<Blob>();
            foreach (var blobId in await _server.Client.ListBlobIdsAsync(id, BlobType.Chat, 0, 100))
            {
                blobs.Add(await _server.Client.GetBlobAsync(id, blobId));
            }
            var expected = turns.Where(t => t.UserId == user).ToList();
            Assert.Equal(expected.Select(t => t.Id.ToString()), blobs.Select(b => (string)b.Fields![TurnDelivery.TurnIdField]!));
            Assert.Equal(expected.Select(t => t.Messages[0].CreatedAt), blobs.Select(b => (string?)b.BlobData["messages"]![0]!["created_at"]));
            Assert.Equal(expected.Select(t => t.Timestamp.ToString("O")), blobs.Select(b => (string?)b.BlobData["messages"]![1]!["created_at"]));
        }
    }

    /// <summary>The turn ids Memobase stored for a user, in the order it stored them.</summary>
    private async Task<List<Guid>> StoredTurnIdsAsync(string user)
    {
        var id = MemobaseUserId.FromName(user);
        var stored = new List<Guid>();
        foreach (var blobId in await _server.Client.ListBlobIdsAsync(id, BlobType.Chat, 0, 100))
        {
            stored.Add(Guid.Parse((string)(await _server.Client.GetBlobAsync(id, blobId)).Fields![TurnDelivery.TurnIdField]!));
        }
        return stored;
    }

    [Fact]
    public async Task A_sweep_delivers_several_users_at_once_and_each_users_turns_in_order()
    {
        string[] users = ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"];
        var turns = await RecordAsync(3, users);
        _server.Emulator.Faults = new FaultSettings { LatencyMinMs = 200, LatencyMaxMs = 200 };

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var swept = await Sweeper(options: _options with { SweepBatchSize = 100, SweepLanes = 8 }).SweepOnceAsync(CancellationToken.None);
        watch.Stop();

        Assert.Equal((24, 24), (swept.Claimed, swept.Synced));
        // One after another, the 24 inserts alone would take 4.8 s at 200 ms each; eight users side by side take about
        // a quarter of that (each user's own requests: its user, then its three turns).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3.6), $"the sweep took {watch.Elapsed.TotalSeconds:0.0} s");
        _server.Emulator.Faults = new FaultSettings();
        foreach (var user in users)
        {
            Assert.Equal(turns.Where(t => t.UserId == user).Select(t => t.Id), await StoredTurnIdsAsync(user));
        }
        Assert.Equal(0L, _server.Emulator.GetStats().Duplicates);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_turn_due_again_before_its_sweep_ends_keeps_its_users_later_turns_behind_it(int seed)
    {
        var turns = await RecordAsync(6, "alice", "bob", "张三");
        // A sweep interval of a tick makes a failed turn due again at once, inside the sweep that failed it.
        var options = _options with { SweepInterval = TimeSpan.FromTicks(1), SweepBatchSize = 4 };
        _server.Emulator.Faults = new FaultSettings { Http500Rate = 0.4, Seed = seed };

        await SweepUntilSettledAsync(Sweeper(options: options));

        _server.Emulator.Faults = new FaultSettings();
        foreach (var user in new[] { "alice", "bob", "张三" })
        {
            Assert.Equal(turns.Where(t => t.UserId == user).Select(t => t.Id), await StoredTurnIdsAsync(user));
        }
    }

    [Theory]
    [InlineData("http500")]
    [InlineData("http503")]
    [InlineData("http429")]
    [InlineData("errno500")]
    [InlineData("quota")]
    [InlineData("drop")]
    public async Task Transient_faults_are_retried_and_every_turn_ends_synced_exactly_once(string fault)
    {
        await RecordAsync(8, "alice", "bob");
        _server.Emulator.Faults = fault switch
        {
            "http500" => new FaultSettings { Http500Rate = 0.4, Seed = 1 },
            "http503" => new FaultSettings { Http503Rate = 0.4, Seed = 2 },
            "http429" => new FaultSettings { Http429Rate = 0.4, RetryAfterSeconds = 30, Seed = 3 },
            "errno500" => new FaultSettings { Errno500Rate = 0.4, Seed = 4 },
            "quota" => new FaultSettings { QuotaRate = 0.4, Seed = 5 },
            _ => new FaultSettings { DropRate = 0.4, Seed = 6 },
        };

        var sweeps = await SweepUntilSettledAsync(Sweeper());

        var status = await _journal.GetStatusAsync();
        Assert.Equal((16L, 0L), (status.Synced, status.Dead));
        var stats = _server.Emulator.GetStats();
        Assert.Equal((16L, 0L), (stats.BlobsReceived, stats.Duplicates));
        Assert.True(sweeps > 1, "the fault never struck, so nothing was retried");
    }

    [Fact]
    public async Task A_lost_answer_costs_at_most_one_duplicate_per_fault_and_never_a_turn()
    {
        var turns = await RecordAsync(10, "alice", "bob");
        _server.Emulator.Faults = new FaultSettings { LostAnswerRate = 0.3, Seed = 7 };

        await SweepUntilSettledAsync(Sweeper());

        var stats = _server.Emulator.GetStats();
        var retries = (await _journal.ListAsync(TurnState.Synced, 100)).Sum(e => e.RetryCount);
        Assert.Equal(turns.Count, stats.Users.Sum(u => u.DistinctTurns));
        Assert.True(stats.Duplicates > 0, "no answer was lost, so nothing was tested");
        Assert.True(stats.Duplicates <= retries, $"{stats.Duplicates} duplicates for {retries} lost answers");
    }

    [Fact]
    public async Task A_wrong_token_pauses_delivery_without_spending_retries_and_a_fixed_token_delivers_everything()
    {
        await RecordAsync(5, "alice");
        var wrong = new MemobaseClient(new HttpClient(), new MemobaseClientOptions { BaseUrl = _server.Emulator.BaseAddress.ToString(), Token = "wrong" });

        var paused = await Sweeper(wrong).SweepOnceAsync(CancellationToken.None);

        Assert.True(paused.Paused);
        Assert.Equal(0, paused.Synced + paused.Retrying + paused.Dead);
        Assert.All(await _journal.ListAsync(TurnState.Pending, 100), e => Assert.Equal(0, e.RetryCount));
        Assert.Equal(5, (await Sweeper().SweepOnceAsync(CancellationToken.None)).Synced);
        Assert.Equal(5, _server.Emulator.GetStats().BlobsReceived);
    }

    [Fact]
    public async Task A_permanent_refusal_makes_the_turn_dead_at_once_with_the_reason()
    {
        await RecordAsync(2, "alice");
        _server.Emulator.Faults = new FaultSettings { RejectRate = 1 };

        var result = await Sweeper().SweepOnceAsync(CancellationToken.None);

        Assert.Equal((2, 0, 2), (result.Claimed, result.Retrying, result.Dead));
        Assert.All(await _journal.ListAsync(TurnState.Dead, 10), e =>
        {
            Assert.Equal(0, e.RetryCount);
            Assert.Contains("Unable to parse blob", e.LastError, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_turn_that_keeps_failing_is_dead_after_the_sweep_limit_with_the_reason()
    {
        await RecordAsync(1, "alice");
        _server.Emulator.Faults = new FaultSettings { Outage = true };
        var sweeper = Sweeper(options: _options with { SweepMaxRetries = 3 });
        for (var i = 0; i < 3; i++)
        {
            await sweeper.SweepOnceAsync(CancellationToken.None);
            _time.Advance(_options.MaxBackoff);
        }
        var dead = Assert.Single(await _journal.ListAsync(TurnState.Dead, 10));
        Assert.StartsWith("gave up after 3 failed attempts", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(0, (await sweeper.SweepOnceAsync(CancellationToken.None)).Claimed);
    }

    [Fact]
    public async Task A_sweeper_hands_back_what_its_lease_may_not_cover_so_two_sweepers_never_send_a_turn_twice()
    {
        // Real time here: the point is a batch that takes longer than its lease.
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("shared.db") });
        var options = _options with { SweepBatchSize = 100, Lease = TimeSpan.FromSeconds(2) };
        await journal.AppendManyAsync(Enumerable.Range(0, 80)
            .Select(i => Turn.Create($"user-{i}", null, [new(ChatMessage.UserRole, $"turn {i}"), new(ChatMessage.AssistantRole, "ok")], TimeProvider.System))
            .ToList());
        // Each turn takes at least 60 ms (user lookup, creation, blob), so one sweeper's batch of 80 outlasts a 2 s lease.
        _server.Emulator.Faults = new FaultSettings { LatencyMinMs = 20, LatencyMaxMs = 20 };

        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var delivery = new TurnDelivery(_server.Client, journal, options, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
            var sweeper = new RecoverySweeper(journal, delivery, options, TimeProvider.System, NullLogger<RecoverySweeper>.Instance);
            while ((await journal.GetStatusAsync(0)).Pending > 0)
            {
                await sweeper.SweepOnceAsync(CancellationToken.None);
                await Task.Delay(50);
            }
        })));

        var stats = _server.Emulator.GetStats();
        Assert.Equal((80, 0L), (stats.Users.Sum(u => u.DistinctTurns), stats.Duplicates));
    }
}
