using System.Diagnostics;
using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary><c>memosync run</c> as a real child process against an emulator on loopback.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-run-").FullName;

    [Fact]
    public async Task The_daemon_delivers_every_pending_turn_of_the_journal_and_stops_on_SIGINT()
    {
        await using var server = await RunningEmulator.StartAsync();
        var journalPath = Path.Combine(_dir, "memosync.db");
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = journalPath }))
        {
            await journal.AppendManyAsync(Enumerable.Range(0, 40)
                .Select(i => Turn.Create($"user-{i % 4}", null, [new(ChatMessage.UserRole, $"turn {i}"), new(ChatMessage.AssistantRole, "ok")], TimeProvider.System))
                .ToList());
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MemoSync.Cli.dll"));
        start.ArgumentList.Add("run");
        start.Environment["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString();
        start.Environment["MEMOBASE_TOKEN"] = RunningEmulator.Token;
        start.Environment["MEMOBASE_SYNC_INTERVAL"] = "1";
        start.Environment["MEMOSYNC_JOURNAL"] = journalPath;
        using var daemon = Process.Start(start)!;
        var output = daemon.StandardOutput.ReadToEndAsync();

        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (server.Emulator.GetStats().BlobsReceived < 40)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
        using (var kill = Process.Start("kill", ["-INT", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await daemon.WaitForExitAsync(stop.Token);

        Assert.Equal(0, daemon.ExitCode);
        Assert.Contains("stopped", await output, StringComparison.Ordinal);
        Assert.Equal((40L, 0L), (server.Emulator.GetStats().BlobsReceived, server.Emulator.GetStats().Duplicates));
        await using var after = SqliteJournal.Open(new SqliteJournalOptions { Path = journalPath });
        Assert.Equal(40, (await after.GetStatusAsync()).Synced);
    }

    [Fact]
    public async Task The_daemon_refuses_a_missing_token_with_the_reason()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MemoSync.Cli.dll"));
        start.ArgumentList.Add("run");
        start.Environment.Remove("MEMOBASE_TOKEN");
        start.Environment["MEMOSYNC_JOURNAL"] = Path.Combine(_dir, "j.db");
        using var daemon = Process.Start(start)!;
        var errors = await daemon.StandardError.ReadToEndAsync();
        await daemon.WaitForExitAsync();
        Assert.Equal(2, daemon.ExitCode);
        Assert.Contains("Token is empty", errors, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
