using System.CommandLine;
using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Emulator;
using MemoSync.Journal;
using MemoSync.Memobase;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace MemoSync.Cli.Commands;

/// <summary>
/// <c>memosync demo</c>: the whole path on the embedded defaults. An in-process emulator that fails now
/// and then and goes down for a while, a SQLite journal, the delivery engine; a
/// scripted conversation of several users is recorded, and the emulator's own count proves every
/// turn arrived exactly once.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var turns = new Option<int>("--turns") { Description = "Turns to record.", DefaultValueFactory = _ => 300 };
        var command = new Command("demo", "Record a scripted conversation through faults and an outage, and prove every turn reached Memobase once.") { turns };
        command.SetAction((result, ct) => RunAsync(result.GetValue(turns), ct));
        return command;
    }

    private static async Task<int> RunAsync(int turnCount, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("memosync-demo-");
        try
        {
            var faults = new FaultSettings { LatencyMinMs = 1, LatencyMaxMs = 8, Http503Rate = 0.05, Errno500Rate = 0.03, DropRate = 0.02, Seed = 2024 };
            await using var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = "demo-token", Faults = faults }, ct: ct);
            await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = Path.Combine(dir.FullName, "memosync.db") });
            using var http = new HttpClient();
            var client = new MemobaseClient(http, new MemobaseClientOptions { BaseUrl = emulator.BaseAddress.ToString(), Token = "demo-token" });
            // Short intervals so the demo's outage heals in seconds rather than the production five minutes.
            var delivering = new DeliveryOptions { RetryDelay = TimeSpan.FromMilliseconds(50), SyncInterval = TimeSpan.FromMilliseconds(500), MaxBackoff = TimeSpan.FromSeconds(1), DeadAfter = 50 };
            var delivery = new TurnDelivery(client, journal, delivering, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
            await using var engine = new DeliveryEngine(journal, delivery, delivering, TimeProvider.System, NullLogger<DeliveryEngine>.Instance);
            engine.Start();

            AnsiConsole.MarkupLine($"Memobase emulator on [blue]{emulator.BaseAddress}[/] with faults: {Markup.Escape(faults.ToString())}");
            AnsiConsole.MarkupLine($"Journal: {Markup.Escape(Path.Combine(dir.FullName, "memosync.db"))}");
            var outage = (Start: turnCount * 2 / 5, End: turnCount * 3 / 5);
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var recorded = context.AddTask("recorded", maxValue: turnCount);
                    var synced = context.AddTask("synced", maxValue: turnCount);
                    var recorders = new Dictionary<string, DialogueRecorder>();
                    for (var i = 0; i < turnCount; i++)
                    {
                        if (i == outage.Start)
                        {
                            emulator.Faults = faults with { Outage = true };
                            recorded.Description = "recorded [red](Memobase down)[/]";
                        }
                        if (i == outage.End)
                        {
                            emulator.Faults = faults;
                            recorded.Description = "recorded";
                        }
                        var (user, said, answer) = DemoScript.Turn(i);
                        if (!recorders.TryGetValue(user, out var recorder))
                        {
                            recorders[user] = recorder = new DialogueRecorder(journal, engine, user, "demo", TimeProvider.System);
                        }
                        recorder.AddUserMessage(said);
                        recorder.AddAssistantMessage(answer);
                        await recorder.FinalizeTurnAsync(ct);
                        recorded.Increment(1);
                        synced.Value = (await journal.GetStatusAsync(0, ct)).Synced;
                        await Task.Delay(5, ct);
                    }
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    deadline.CancelAfter(TimeSpan.FromSeconds(60));
                    while ((await journal.GetStatusAsync(0, ct)).Pending > 0 && !deadline.IsCancellationRequested)
                    {
                        synced.Value = (await journal.GetStatusAsync(0, ct)).Synced;
                        await Task.Delay(100, CancellationToken.None);
                    }
                    synced.Value = (await journal.GetStatusAsync(0, ct)).Synced;
                });
            await engine.DrainAsync();

            Console.WriteLine(engine.Statistics.ToTable());
            return Report(emulator.GetStats(), await journal.GetStatusAsync(10, CancellationToken.None), turnCount);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The proof: what the emulator received, per user, against what was recorded.</summary>
    private static int Report(EmulatorStats stats, JournalStatus journal, int turnCount)
    {
        var table = new Table().AddColumns("user", "recorded", "received by Memobase", "distinct turns", "duplicates");
        foreach (var user in journal.Users)
        {
            var received = stats.Users.FirstOrDefault(u => u.UserId == MemobaseUserId.FromName(user.UserId).Value);
            var recorded = user.Pending + user.Synced + user.Dead;
            table.AddRow(Markup.Escape(user.UserId), recorded.ToString(), (received?.BlobsReceived ?? 0).ToString(),
                (received?.DistinctTurns ?? 0).ToString(), (received?.Duplicates ?? 0).ToString());
        }
        AnsiConsole.Write(table);
        var distinct = stats.Users.Sum(u => u.DistinctTurns);
        if (distinct == turnCount && stats.Duplicates == 0 && journal.Pending == 0 && journal.Dead == 0)
        {
            AnsiConsole.MarkupLine($"[green]All {turnCount} turns reached Memobase exactly once.[/]");
            return 0;
        }
        AnsiConsole.MarkupLine($"[red]{distinct} of {turnCount} turns arrived, {stats.Duplicates} duplicates, {journal.Pending} pending, {journal.Dead} dead.[/]");
        return 1;
    }
}
