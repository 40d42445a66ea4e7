using System.Data.Common;
using System.Diagnostics;
using MemoSync.Emulator;
using MemoSync.Journal;

namespace MemoSync.TestSupport.Chaos;

/// <summary>
/// A chaos soak of MemoSync on one journal, all real processes over loopback: recorders handing turns to
/// <c>memosync record</c>, and <c>memosync run</c> daemons kept running as systemd keeps them, while the emulator answers
/// with a changing mix of 503s, 429s with Retry-After, cut connections, lost answers, latency and outages, the daemons
/// are SIGKILLed at random and the journal is locked by another process now and then. Then the faults are cleared, the
/// daemons drain, and every turn a recorder was told was recorded is looked for in Memobase and the journal.
/// </summary>
/// <remarks>
/// The daemons retry on a 2 s sync interval (the slow retries are 2, 4, 8, 16 s apart) and an outage lasts at most 12 s,
/// so five failed slow retries in a row, which make a turn dead, need far more bad luck than a user of the 300 s default
/// ever meets: a dead turn is a finding. Leases of 15 s let a killed daemon's turns go to the others within the soak.
/// </remarks>
public sealed class ChaosSoak(ChaosJournal journal, TimeSpan duration, int seed, TextWriter progress)
{
    private const int Recorders = 3;
    private static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The soak as the bench and the test suite run it: <paramref name="total"/> of chaos split between a SQLite journal
    /// with one daemon and a PostgreSQL journal (on <paramref name="postgres"/>'s server) with two.
    /// </summary>
    public static async Task<IReadOnlyList<ChaosOutcome>> RunBothAsync(string postgres, TimeSpan total, int seed, TextWriter progress)
    {
        var outcomes = new List<ChaosOutcome>();
        await using (var sqlite = new SqliteChaosJournal())
        {
            outcomes.Add(await new ChaosSoak(sqlite, total / 2, seed, progress).RunAsync());
        }
        await using (var shared = new PostgresChaosJournal(postgres))
        {
            outcomes.Add(await new ChaosSoak(shared, total / 2, seed + 1, progress).RunAsync());
        }
        return outcomes;
    }

    /// <summary>Runs the soak and counts what happened to every turn.</summary>
    public async Task<ChaosOutcome> RunAsync()
    {
        ArgumentNullException.ThrowIfNull(journal);
        var random = new Random(seed);
        await journal.CreateAsync();
        await using var server = await RunningEmulator.StartAsync(o => o.PersistentChatBlobs = true);
        var environment = new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOBASE_SYNC_INTERVAL"] = "2",
            ["MEMOSYNC_LEASE"] = "15",
            ["MEMOBASE_TIMEOUT"] = "5",
            ["MEMOSYNC_JOURNAL"] = journal.Location,
            // A log line per failure of thousands would measure the pipes; what a daemon says when it stops comes on standard error.
            ["Logging__LogLevel__Default"] = "Error",
        };
        progress.WriteLine($"chaos soak on {journal.Name}: {duration.TotalSeconds:0} s of chaos, seed {seed}");
        var daemons = new SupervisedDaemons(journal.Daemons, environment, new Random(random.Next()));
        var recorders = Enumerable.Range(0, Recorders).Select(i => new ChaosRecorder(i, environment, new Random(random.Next()))).ToList();

        using var chaos = new CancellationTokenSource(duration);
        var recording = recorders.Select(r => r.RunAsync(chaos.Token)).ToList();
        var outages = InjectFaultsAsync(server.Emulator, new Random(random.Next()), chaos.Token);
        var kills = KillAsync(daemons, journal.Daemons, new Random(random.Next()), chaos.Token);
        var locks = LockAsync(new Random(random.Next()), chaos.Token);
        await Task.WhenAll(outages, kills, locks);
        server.Emulator.Faults = new FaultSettings();
        progress.WriteLine($"chaos over: {await outages} outages, {await kills} daemons killed, {(await locks).Count} journal locks; faults cleared, draining");

        var drain = Stopwatch.StartNew();
        await Task.WhenAll(recording);
        await using var reader = journal.Open();
        while (drain.Elapsed < DrainLimit && (daemons.Delivering < journal.Daemons || (await reader.GetStatusAsync(0)).Pending > 0))
        {
            await Task.Delay(500);
        }
        var drained = drain.Elapsed;
        await daemons.StopAsync();
        progress.WriteLine($"drained in {drained.TotalSeconds:0} s; counting");

        var entries = await AllEntriesAsync(reader);
        var stored = new List<Guid>();
        foreach (var user in recorders.SelectMany(r => r.UserIds))
        {
            stored.AddRange(await server.StoredTurnIdsAsync(user));
        }
        return ChaosOutcome.Count(new ChaosObservations(journal.Name, duration, drained,
            recorders.SelectMany(r => r.Recorded).ToList(), recorders.SelectMany(r => r.ExitCodes).ToList(),
            entries, stored, server.Emulator.GetStats(), await outages, await kills, await locks, daemons.Exits.ToList()));
    }

    /// <summary>A changing mix of faults, each for 5 to 15 s, every fourth of them (from the second on) an outage of 3 to 12 s; returns the outages.</summary>
    private static async Task<int> InjectFaultsAsync(MemobaseEmulator emulator, Random random, CancellationToken ct)
    {
        var outages = 0;
        for (var window = 0; !ct.IsCancellationRequested; window++)
        {
            var outage = window % 4 == 1;
            outages += outage ? 1 : 0;
            emulator.Faults = outage
                ? new FaultSettings { Outage = true }
                : new FaultSettings
                {
                    LatencyMaxMs = random.Next(20, 200),
                    Http503Rate = random.NextDouble() * 0.08,
                    Http429Rate = random.NextDouble() * 0.05,
                    RetryAfterSeconds = random.Next(1, 4),
                    DropRate = random.NextDouble() * 0.05,
                    LostAnswerRate = random.NextDouble() * 0.06,
                    Seed = random.Next(),
                };
            await Pause(outage ? random.Next(3_000, 12_000) : random.Next(5_000, 15_000), ct);
        }
        return outages;
    }

    /// <summary>SIGKILLs one of the daemons every 4 to 20 s; returns how many it killed.</summary>
    private static async Task<int> KillAsync(SupervisedDaemons daemons, int count, Random random, CancellationToken ct)
    {
        var kills = 0;
        while (await Pause(random.Next(4_000, 20_000), ct))
        {
            var slot = random.Next(count);
            if (daemons.IsRunning(slot))
            {
                daemons.Kill(slot);
                kills++;
            }
        }
        return kills;
    }

    /// <summary>After 5 to 15 s, then every 10 to 40 s, locks the journal for 1 to 14 s (past SQLite's 10 s busy timeout now and then); returns how long each lock held.</summary>
    private async Task<List<TimeSpan>> LockAsync(Random random, CancellationToken ct)
    {
        var locks = new List<TimeSpan>();
        for (var first = true; await Pause(first ? random.Next(5_000, 15_000) : random.Next(10_000, 40_000), ct); first = false)
        {
            var held = Stopwatch.StartNew();
            try
            {
                await journal.HoldLockedAsync(() => Pause(random.Next(1_000, 14_000), ct));
                locks.Add(held.Elapsed);
            }
            catch (DbException e)
            {
                // The lock was not taken (the journal was busy past the locker's own timeout): no lock to count.
                progress.WriteLine($"the journal could not be locked: {e.Message}");
            }
        }
        return locks;
    }

    /// <summary>Waits <paramref name="milliseconds"/>; false when the chaos ended first.</summary>
    private static async Task<bool> Pause(int milliseconds, CancellationToken ct)
    {
        await Task.Delay(milliseconds, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        return !ct.IsCancellationRequested;
    }

    private static async Task<List<JournalEntry>> AllEntriesAsync(IDialogueJournal journal)
    {
        var entries = new List<JournalEntry>();
        while (true)
        {
            var page = await journal.ListAfterAsync(entries.Count == 0 ? null : entries[^1].Turn.Id, 1000);
            entries.AddRange(page);
            if (page.Count < 1000)
            {
                return entries;
            }
        }
    }
}
