using System.Diagnostics;
using MemoSync.Emulator;
using MemoSync.Journal;
using MemoSync.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace MemoSync.Postgres.Tests;

/// <summary>
/// Many hosts, one memory: four <c>memosync run</c> daemons and two recording applications, all real processes,
/// share one PostgreSQL journal and deliver to the emulator over loopback.
/// </summary>
[Collection(nameof(ServerWideTests))]
public sealed class ManyHostsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Daemons = 4;
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly List<Process> _daemons = [];

    public Task InitializeAsync() => PostgresJournal.MigrateAsync(TestPostgres.Options(_schema));

    public async Task DisposeAsync()
    {
        foreach (var daemon in _daemons)
        {
            if (!daemon.HasExited)
            {
                daemon.Kill();
                await daemon.WaitForExitAsync();
            }
            daemon.Dispose();
        }
        await TestPostgres.DropSchemaAsync(_schema);
    }

    private void StartDaemons(RunningEmulator server, int count = Daemons)
    {
        for (var i = 0; i < count; i++)
        {
            var daemon = CliProcess.Start(new Dictionary<string, string>
            {
                ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
                ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
                ["MEMOBASE_SYNC_INTERVAL"] = "1",
                ["MEMOSYNC_LEASE"] = "9",
                ["MEMOBASE_TIMEOUT"] = "3",
                ["MEMOSYNC_JOURNAL"] = TestPostgres.Location(_schema),
            }, "run");
            _ = daemon.StandardOutput.ReadToEndAsync();
            _ = daemon.StandardError.ReadToEndAsync();
            _daemons.Add(daemon);
        }
    }

    /// <summary>The pending turns a daemon holds leases on now (its owner name holds its process id).</summary>
    private async Task<List<Guid>> LeasedByAsync(Process daemon)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            $"SELECT id FROM \"{_schema}\".turns WHERE state = 0 AND lease_owner LIKE @owner AND lease_until > now()", connection);
        query.Parameters.AddWithValue("owner", $"%-{daemon.Id}-%");
        await using var reader = await query.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await done())
        {
            await Task.Delay(20, deadline.Token).ContinueWith(t => t.IsCanceled
                ? throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds} s")
                : t, TaskScheduler.Default).Unwrap();
        }
    }

    [Fact]
    public async Task Four_daemons_and_two_recorders_deliver_every_turn_once_in_each_users_order_through_faults_and_a_daemon_SIGKILLed_mid_batch()
    {
        await using var server = await RunningEmulator.StartAsync(o =>
        {
            o.PersistentChatBlobs = true;
            o.Faults = new FaultSettings { LatencyMinMs = 2, LatencyMaxMs = 12, Http500Rate = 0.03, DropRate = 0.02, LostAnswerRate = 0.04 };
        });
        // The first daemon starts alone, so that the turns it holds when it is killed are surely some: with all four
        // listening, whichever wakes first may claim every turn as it comes.
        StartDaemons(server, 1);
        var location = TestPostgres.Location(_schema);
        using var first = new ProbeProcess("record", location, "left", "6", "150", "40");
        using var second = new ProbeProcess("record", location, "right", "6", "150", "40");

        // SIGKILL the first daemon while it holds leases, the other three running: in the middle of its deliveries.
        var victim = _daemons[0];
        var orphaned = new List<Guid>();
        await WaitUntilAsync(async () => (orphaned = await LeasedByAsync(victim)).Count >= 1, TimeSpan.FromSeconds(90), "the first daemon holding leases");
        StartDaemons(server, Daemons - 1);
        await WaitUntilAsync(() => Task.FromResult(server.Emulator.GetStats().Requests > 0 && _daemons.All(d => !d.HasExited)), TimeSpan.FromSeconds(30), "the other daemons");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await WaitUntilAsync(async () => (orphaned = await LeasedByAsync(victim)).Count >= 1, TimeSpan.FromSeconds(30), "the first daemon holding leases beside the others");
        victim.Kill();
        await victim.WaitForExitAsync();

        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        var recorded = first.Lines.Concat(second.Lines).Where(l => l.Length == 36).Select(Guid.Parse).ToList();
        await using var journal = PostgresJournal.Open(TestPostgres.Options(_schema));
        // Stored is not yet synced: the daemon marks the turn once the answer is back, or sends it again if it was lost.
        await WaitUntilAsync(async () => server.Emulator.GetStats().Users.Sum(u => u.DistinctTurns) >= recorded.Count
            && (await journal.GetStatusAsync()).Synced >= recorded.Count, TimeSpan.FromSeconds(120), "delivery of every recorded turn");
        var stats = server.Emulator.GetStats();
        server.Emulator.Faults = new FaultSettings();

        output.WriteLine($"{recorded.Count} turns recorded; {stats.BlobsReceived} blobs stored, {stats.Duplicates} duplicates, {stats.LostAnswers} lost answers, "
            + $"{stats.FaultsInjected} faults in {stats.Requests} requests; {orphaned.Count} turns leased by the killed daemon");
        Assert.Equal(300, recorded.Count);
        Assert.Equal(recorded.Count, stats.Users.Sum(u => u.DistinctTurns));
        // A turn is stored twice only when its answer was lost: to a fault, or to the daemon killed while it waited for it.
        Assert.InRange(stats.Duplicates, 0, stats.LostAnswers + orphaned.Count);

        var synced = (await journal.ListAsync(TurnState.Synced, int.MaxValue)).Select(e => e.Turn.Id).ToHashSet();
        Assert.All(recorded, id => Assert.Contains(id, synced));
        Assert.All(orphaned, id => Assert.Contains(id, synced));

        foreach (var user in (await journal.ListAsync(null, int.MaxValue)).GroupBy(e => e.Turn.UserId))
        {
            var stored = await server.StoredTurnIdsAsync(user.Key);
            // A turn whose answer was lost is stored again at once, before its user's next turn: collapse those repeats.
            var order = stored.Where((id, i) => i == 0 || stored[i - 1] != id).ToList();
            if (!user.Select(e => e.Turn.Id).SequenceEqual(order))
            {
                // Said by position in the user's recording, which a list of ids would hide.
                var index = user.Select((e, i) => (e.Turn.Id, i)).ToDictionary(x => x.Id, x => x.i);
                output.WriteLine($"{user.Key}: stored {string.Join(" ", stored.Select(id => index[id]))}; retries {string.Join(" ", user.Select(e => e.RetryCount))}; "
                    + $"leased by the killed daemon {string.Join(" ", orphaned.Where(index.ContainsKey).Select(id => index[id]))}");
            }
            Assert.Equal(user.Select(e => e.Turn.Id), order);
        }
    }

    [Fact]
    public async Task A_turn_that_always_fails_is_attempted_once_per_backoff_interval_across_four_daemons()
    {
        // Every request fails, so each delivery attempt is exactly one request (the user lookup) that the emulator counts.
        await using var server = await RunningEmulator.StartAsync(o => o.Faults = new FaultSettings { Http500Rate = 1 });
        StartDaemons(server);
        // Each daemon first asks for Memobase's health once (it fails, and the daemon goes on): those are no delivery attempts.
        await WaitUntilAsync(() => Task.FromResult(server.Emulator.GetStats().Requests >= Daemons), TimeSpan.FromSeconds(60), "every daemon's first health check");
        var before = server.Emulator.GetStats().Requests;
        await using (var recorder = PostgresJournal.Open(TestPostgres.Options(_schema)))
        {
            await recorder.AppendAsync(Turn.Create("carol", null, [new("user", "我喜欢打网球"), new("assistant", "好的！")], TimeProvider.System));
        }

        // Attempts are timed by a thread of their own reading the emulator's count, so neither the journal queries below
        // nor a thread pool busy with other tests delays when an attempt is seen.
        var attempts = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var requests = server.Emulator.GetStats().Requests - before;
                lock (attempts)
                {
                    while (attempts.Count < requests)
                    {
                        attempts.Add(clock.Elapsed);
                    }
                }
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        await using var journal = PostgresJournal.Open(TestPostgres.Options(_schema));
        sampler.Start();
        try
        {
            await WaitUntilAsync(async () =>
            {
                if ((await journal.GetStatusAsync()).Dead != 1)
                {
                    return false;
                }
                // The emulator counts a request before it answers, so once the turn is dead its last attempt is counted.
                lock (attempts)
                {
                    return attempts.Count > 0 && clock.Elapsed > attempts[^1] + TimeSpan.FromSeconds(2);
                }
            }, TimeSpan.FromSeconds(90), "the failing turn's death after its retries");
        }
        finally
        {
            // Stopped whatever happens, so it never reads an emulator that is gone.
            stop.Cancel();
            sampler.Join();
        }

        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b - a).ToList();
        output.WriteLine($"{attempts.Count} attempts; gaps {string.Join(", ", gaps.Select(g => $"{g.TotalSeconds:F2} s"))}");
        // The first delivery's quick attempts: a second one 2 s ±20% later; a third waits 4 s, which with the 3 s request
        // timeout fits in the 9 s lease only when the lease was renewed (every third of it) before the wait began, so there
        // is a third quick attempt or the turn is handed back, as the renewal falls. Then one attempt per slow retry: dead
        // after 5 failed deliveries, the k-th retry waiting the 1 s interval times 2^(k-1), ±20%.
        var quick = attempts.Count - 4;
        Assert.InRange(quick, 2, 3);
        Assert.Equal(attempts.Count + before, server.Emulator.GetStats().FaultsInjected);
        for (var q = 1; q < quick; q++)
        {
            var wait = 2 * Math.Pow(2, q - 1);
            Assert.InRange(gaps[q - 1].TotalSeconds, 0.8 * wait - 0.1, 1.2 * wait + 0.5);
        }
        for (var k = 0; k < 4; k++)
        {
            var backoff = Math.Pow(2, k);
            // Never sooner than its backoff (one daemon, not four, took it), and no later than one sweep after it fell due,
            // give or take the scheduling of four daemons, PostgreSQL and this test on two cores.
            Assert.InRange(gaps[quick - 1 + k].TotalSeconds, 0.8 * backoff - 0.1, 1.2 * backoff + 2.5);
        }
    }

    [Fact]
    public async Task A_daemon_whose_database_connections_are_terminated_logs_goes_on_and_delivers_what_comes_after()
    {
        await using var server = await RunningEmulator.StartAsync();
        var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOBASE_SYNC_INTERVAL"] = "1",
            ["MEMOSYNC_JOURNAL"] = TestPostgres.Location(_schema),
        }, "run");
        _daemons.Add(daemon);
        var output = daemon.StandardOutput.ReadToEndAsync();
        _ = daemon.StandardError.ReadToEndAsync();
        await using var journal = PostgresJournal.Open(TestPostgres.Options(_schema));
        await journal.AppendAsync(Turn.Create("alice", null, [new("user", "before")], TimeProvider.System));
        await WaitUntilAsync(async () => (await journal.GetStatusAsync()).Synced == 1, TimeSpan.FromSeconds(30), "the first delivery");

        // Every connection of the daemon's, its listener's included, cut by the server.
        await using (var admin = new NpgsqlConnection(TestPostgres.ConnectionString))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database() AND usename = current_user",
                admin);
            Assert.True((long)(await terminate.ExecuteScalarAsync())! > 0);
        }
        NpgsqlConnection.ClearAllPools();
        await using var after = PostgresJournal.Open(TestPostgres.Options(_schema));
        await after.AppendManyAsync(Enumerable.Range(0, 5).Select(i => Turn.Create("alice", null, [new("user", $"after {i}")], TimeProvider.System)).ToList());
        await WaitUntilAsync(async () => (await after.GetStatusAsync()).Synced == 6, TimeSpan.FromSeconds(60), "delivery after the cut");

        Assert.False(daemon.HasExited);
        Assert.Equal((6L, 0L), (server.Emulator.GetStats().BlobsReceived, server.Emulator.GetStats().Duplicates));
        await CliProcess.StopAsync(daemon, "INT", TimeSpan.FromSeconds(20));
        Assert.Equal(0, daemon.ExitCode);
        Assert.Contains("The journal's change signal failed", await output, StringComparison.Ordinal);
    }
}
