using System.Diagnostics;
using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Journal;
using MemoSync.Operations;
using MemoSync.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace MemoSync.Tests.Operations;

/// <summary>Delivery latency while retention purges a large journal; alone, since it measures time on a shared machine.</summary>
[Collection(nameof(TimingTests))]
public sealed class RetentionLatencyTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Delivery_stays_under_50_ms_at_p99_while_a_million_synced_turns_are_purged()
    {
        const int Million = 1_000_000;
        var path = _dir.File("memosync.db");
        await using (SqliteJournal.Open(new SqliteJournalOptions { Path = path }))
        {
        }
        var fill = Stopwatch.StartNew();
        FillWithOldSyncedTurns(path, Million, DateTimeOffset.UtcNow.AddDays(-60));
        output.WriteLine($"filled {Million} synced turns in {fill.Elapsed.TotalSeconds:0.0} s");

        await using var server = await RunningEmulator.StartAsync();
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = path });
        var delivering = new DeliveryOptions();
        var delivery = new TurnDelivery(server.Client, journal, delivering, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
        await using var worker = new DeliveryEngine(journal, delivery, delivering, TimeProvider.System, NullLogger<DeliveryEngine>.Instance);
        worker.Start();
        var recorders = Enumerable.Range(0, 4).Select(i => new DialogueRecorder(journal, worker, $"live-{i}", null, TimeProvider.System)).ToList();
        // Users exist before the purge, so every measured delivery is one insert.
        await RecordAsync(recorders, 1);
        await Task.Delay(200);

        var retention = new RetentionService(journal, new RetentionOptions { Days = RetentionOptions.CommandDefaultDays }, TimeProvider.System, NullLogger<RetentionService>.Instance);
        var purging = Stopwatch.StartNew();
        var purge = Task.Run(() => retention.PurgeOnceAsync(CancellationToken.None));
        var deliveredBefore = worker.Statistics.SyncedCount;
        var latencies = new List<double>();
        while (!purge.IsCompleted)
        {
            var synced = worker.Statistics.SyncedCount;
            var started = Stopwatch.GetTimestamp();
            await RecordAsync(recorders, 1);
            await worker.Statistics.UntilSyncedAsync(synced + recorders.Count);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        Assert.Equal(Million, await purge);
        purging.Stop();

        var deliveredDuring = worker.Statistics.SyncedCount - deliveredBefore;
        var p99 = worker.Statistics.LatencyPercentile(99)!.Value;
        latencies.Sort();
        output.WriteLine($"purged {Million} in {purging.Elapsed.TotalSeconds:0.0} s; {deliveredDuring} turns delivered meanwhile; " +
            $"recorded->synced p50 {worker.Statistics.LatencyPercentile(50):0.0} ms, p99 {p99:0.0} ms, max {worker.Statistics.LatencyPercentile(100):0.0} ms; " +
            $"round of {recorders.Count} p99 {latencies[(int)(latencies.Count * 0.99)]:0.0} ms");
        Assert.True(deliveredDuring >= 100, $"only {deliveredDuring} turns were delivered during the purge");
        Assert.True(p99 < 50, $"delivery latency p99 {p99:0.0} ms during the purge");
        Assert.Equal(0, (await journal.GetStatusAsync()).Pending);
    }

    private static async Task RecordAsync(List<DialogueRecorder> recorders, int turns)
    {
        foreach (var recorder in recorders)
        {
            for (var i = 0; i < turns; i++)
            {
                recorder.AddUserMessage("how is it going?");
                recorder.AddAssistantMessage("fine");
                await recorder.FinalizeTurnAsync();
            }
        }
    }

    /// <summary>Writes <paramref name="count"/> turns synced at <paramref name="at"/> straight into the file: what years of traffic leave.</summary>
    private static void FillWithOldSyncedTurns(string path, int count, DateTimeOffset at)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA synchronous = OFF;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
            INSERT INTO turns (id, user_id, messages, timestamp, next_attempt_at, state, synced_at)
            SELECT printf('00000000-0000-4000-8000-%012d', i), 'user-' || (i % 1000), '[{"role":"user","content":"old"}]', $at, $at, 1, $at + i FROM n;
            PRAGMA wal_checkpoint(TRUNCATE);
            """;
        command.Parameters.AddWithValue("$count", count);
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        command.CommandTimeout = 600;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _dir.Dispose();
}
