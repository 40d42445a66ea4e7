using MemoSync.Journal;
using MemoSync.TestSupport;
using Xunit.Abstractions;

namespace MemoSync.Tests.Delivery;

/// <summary>A recorder killed mid-stream, then the daemon alone: real processes, a real journal file, the emulator on loopback.</summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Every_turn_whose_recording_returned_before_a_SIGKILL_reaches_Memobase_through_memosync_run()
    {
        await using var server = await RunningEmulator.StartAsync();
        var db = _dir.File("memosync.db");
        HashSet<Guid> acknowledged;
        using (var recorder = new ProbeProcess("append", db, "4"))
        {
            await recorder.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
            await Task.Delay(300);
            await recorder.KillAsync();
            acknowledged = recorder.Lines.Where(l => l.Length == 36).Select(Guid.Parse).ToHashSet();
        }
        // Every turn the file holds, acknowledged or not (some were durable when the kill came before their line).
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = db });
        var recorded = (await journal.GetStatusAsync()).Pending;

        using var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOBASE_SYNC_INTERVAL"] = "1",
            ["MEMOSYNC_JOURNAL"] = db,
        }, "run");
        _ = daemon.StandardOutput.ReadToEndAsync();
        _ = daemon.StandardError.ReadToEndAsync();
        try
        {
            // Until the daemon has delivered and marked every turn: killed sooner, a turn Memobase stored could miss its mark.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while ((await journal.GetStatusAsync(ct: deadline.Token)).Synced < recorded)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
        finally
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
        }

        var stats = server.Emulator.GetStats();
        output.WriteLine($"{acknowledged.Count} acknowledged turns, {stats.BlobsReceived} blobs received, {stats.Duplicates} duplicates");
        Assert.True(acknowledged.Count > 0, "the recorder was killed before any turn was recorded");
        var synced = (await journal.ListAsync(TurnState.Synced, int.MaxValue)).Select(e => e.Turn.Id).ToHashSet();
        Assert.DoesNotContain(acknowledged, id => !synced.Contains(id));
        Assert.Equal((long)synced.Count, stats.BlobsReceived);
        Assert.Equal(0, stats.Duplicates);
    }

    public void Dispose() => _dir.Dispose();
}
