using System.Collections.Concurrent;
using MemoSync.Emulator;
using MemoSync.Journal;
using MemoSync.TestSupport;
using MemoSync.TestSupport.Following;

namespace MemoSync.Bench;

/// <summary>
/// <c>memosync run --follow</c> (a child process) following the <c>save_data.jsonl</c> that guide_recorder.py writes as the guide's
/// Python app does, delivering to an emulator in this process. Each run appends <see cref="Turns"/> turns one at a time, each
/// once the one before reached the emulator, and reads from the journal when the daemon recorded each (its <c>recorded_at</c>) and
/// marked it synced (<c>synced_at</c>), against the time just before the app was told to append it.
/// </summary>
internal sealed class FollowBenchmark(string directory, int runs, TextWriter output)
{
    private const string Token = "bench-follow-token";
    private const int Turns = 200;

    public async Task RunAsync()
    {
        var results = new ResultTable();
        for (var run = 1; run <= runs; run++)
        {
            var folder = Path.Combine(directory, $"run-{run}");
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            Directory.CreateDirectory(folder);
            var (recorded, synced) = await MeasureAsync(folder);
            results.Add("append→recorded p50 (ms)", Samples.Median(recorded));
            results.Add("append→recorded p99 (ms)", Samples.Percentile(recorded, 99));
            results.Add("append→synced p50 (ms)", Samples.Median(synced));
            results.Add("append→synced p99 (ms)", Samples.Percentile(synced, 99));
            output.WriteLine($"run {run}: append→recorded p50 {results.Latest("append→recorded p50 (ms)"):0.#} ms, append→synced p50 {results.Latest("append→synced p50 (ms)"):0.#} ms");
        }
        results.Print(output, runs);
    }

    private static async Task<(List<double> Recorded, List<double> Synced)> MeasureAsync(string folder)
    {
        var file = Path.Combine(folder, "save_data.jsonl");
        var journal = Path.Combine(folder, "memosync.db");
        await using var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = Token });
        var lastLines = new ConcurrentQueue<string>();
        using var daemon = Daemon.Start(emulator, Token, journal, lastLines, environment: new Dictionary<string, string>
        {
            ["MEMOSYNC_FOLLOW"] = file,
            ["USER_ID"] = "bench",
        });
        var appended = new List<DateTimeOffset>();
        await using (var app = GuideRecorder.Start(file))
        {
            // Turn 0 warms up: the daemon's start, the first look, the user's creation in Memobase.
            for (var n = 0; n <= Turns; n++)
            {
                appended.Add(DateTimeOffset.UtcNow);
                await app.SendAsync($"append {n} 1");
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                while (emulator.GetStats().BlobsReceived <= n)
                {
                    if (daemon.HasExited)
                    {
                        throw new InvalidOperationException($"memosync run exited with {daemon.ExitCode}:\n{string.Join('\n', lastLines)}");
                    }
                    await Task.Delay(1, deadline.Token);
                }
            }
        }
        await CliProcess.StopAsync(daemon, "INT", TimeSpan.FromSeconds(30));
        await using var kept = SqliteJournal.Open(new SqliteJournalOptions { Path = journal });
        var turns = await kept.ListAsync(null, Turns + 1);
        if (turns.Count != Turns + 1)
        {
            throw new InvalidOperationException($"the journal holds {turns.Count} turns, not {Turns + 1}");
        }
        var measured = turns.Skip(1).Zip(appended.Skip(1)).ToList();
        return (measured.Select(t => (t.First.RecordedAt - t.Second).TotalMilliseconds).ToList(),
            measured.Select(t => (t.First.SyncedAt!.Value - t.Second).TotalMilliseconds).ToList());
    }
}
