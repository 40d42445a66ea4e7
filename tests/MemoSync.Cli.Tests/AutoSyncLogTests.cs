using System.Text.RegularExpressions;
using MemoSync.Cli.Operations;
using MemoSync.Delivery;
using MemoSync.Emulator;
using MemoSync.Hosting;
using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace MemoSync.Cli.Tests;

/// <summary>The daemon's auto_sync.log: the guide's lines, rotation by size with a kept count, and logrotate's copytruncate.</summary>
public sealed partial class AutoSyncLogTests : IDisposable
{
    private static readonly string[] Users = ["ann", "ben", "cho"];
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-log-").FullName;

    [Fact]
    public async Task Deliveries_that_failed_and_were_retried_write_the_guides_lines_and_never_the_token()
    {
        await using var server = await RunningEmulator.StartAsync();
        // Refused with HTTP 503, a failure that counts (a cut connection may have been stored, and would not).
        server.Emulator.Faults = new FaultSettings { Http503Rate = 1 };
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMemoSync(o =>
        {
            o.MemobaseUrl = server.Emulator.BaseAddress.ToString();
            o.MemobaseToken = RunningEmulator.Token;
            o.UseSqlite(Path.Combine(_dir, "memosync.db"));
            o.MemobaseTimeout = TimeSpan.FromSeconds(5);
            o.Delivery = new DeliveryOptions { MaxRetries = 1, SyncInterval = TimeSpan.FromMilliseconds(300), MaxBackoff = TimeSpan.FromMilliseconds(300) };
        });
        builder.Logging.AddAutoSyncLog(new LogFileOptions { Path = Path.Combine(_dir, "logs", "auto_sync.log") });
        var turns = Users.Select(user => Turn.Create(user, null, [new(ChatMessage.UserRole, "hi"), new(ChatMessage.AssistantRole, "hello")], TimeProvider.System)).ToList();
        using (var host = builder.Build())
        {
            await host.Services.GetRequiredService<IDialogueJournal>().AppendManyAsync(turns);
            var journal = host.Services.GetRequiredService<IDialogueJournal>();
            var engine = host.Services.GetRequiredService<DeliveryEngine>();
            await host.StartAsync();
            // Every turn, not just the first three failures (one user's turn may fail twice before another's first try).
            while (!await EachFailedOnceAsync(journal, turns))
            {
                await Task.Delay(10);
            }
            server.Emulator.Faults = new FaultSettings();
            await engine.Statistics.UntilSyncedAsync(3);
            await host.StopAsync();
        }

        var log = string.Concat(Directory.GetFiles(Path.Combine(_dir, "logs"), "auto_sync*.log").Order().Select(File.ReadAllText));
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.Matches(GuideLine(), line));
        Assert.Contains(lines, l => l.EndsWith("[INFO] Found 3 unsynced turns, delivering...", StringComparison.Ordinal));
        foreach (var turn in turns)
        {
            Assert.Contains($"[INFO]   turn {turn.Id} (2 messages), attempt 1: Retrying", log, StringComparison.Ordinal);
            Assert.Matches($@"\[INFO\]   turn {turn.Id} \(2 messages\), attempt [2-9]: Synced", log);
        }
        Assert.Contains("[WARNING] Memobase ", log, StringComparison.Ordinal);
        Assert.DoesNotContain(RunningEmulator.Token, log, StringComparison.Ordinal);
    }

    private static async Task<bool> EachFailedOnceAsync(IDialogueJournal journal, IEnumerable<Turn> turns)
    {
        foreach (var turn in turns)
        {
            if (await journal.GetAsync(turn.Id) is not { RetryCount: > 0 })
            {
                return false;
            }
        }
        return true;
    }

    [Fact]
    public void The_log_rotates_at_the_configured_size_and_keeps_the_configured_count()
    {
        var options = new LogFileOptions { Path = Path.Combine(_dir, "auto_sync.log"), MaxBytes = 4096, Keep = 3 };
        WriteLines(options, 1, 300);

        var files = Directory.GetFiles(_dir, "auto_sync*.log").Order().ToList();
        Assert.Equal(3, files.Count);
        var line = new FileInfo(files[^1]).Length / File.ReadAllLines(files[^1]).Length + 1;
        // Every rotated file stopped at the limit (the line that reached it included); the newest holds the last line.
        Assert.All(files.SkipLast(1), f => Assert.InRange(new FileInfo(f).Length, 4096, 4096 + line));
        Assert.EndsWith("line 300 of the sweep", File.ReadAllLines(files[^1])[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(files, f => File.ReadAllText(f).Contains("line 1 of the sweep", StringComparison.Ordinal));
    }

    [Fact]
    public void Logrotate_copytruncate_leaves_no_hole_in_the_file()
    {
        var options = new LogFileOptions { Path = Path.Combine(_dir, "auto_sync.log"), MaxBytes = 0, Roll = LogRoll.None, Keep = 1 };
        using var serilog = AutoSyncLog.CreateLogger(options);
        using var provider = new SerilogLoggerProvider(serilog);
        var logger = provider.CreateLogger("sweep");
        Log(logger, 1, 50);
        // What logrotate's copytruncate does once it has copied the file.
        using (File.Open(options.Path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }
        Log(logger, 51, 55);

        var text = File.ReadAllText(options.Path);
        Assert.DoesNotContain('\0', text);
        Assert.Equal(5, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("line 51 of the sweep", text.Split('\n')[0], StringComparison.Ordinal);
    }

    private static void WriteLines(LogFileOptions options, int from, int to)
    {
        using var serilog = AutoSyncLog.CreateLogger(options);
        using var provider = new SerilogLoggerProvider(serilog);
        Log(provider.CreateLogger("sweep"), from, to);
    }

    private static void Log(ILogger logger, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            LogLine(logger, i);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "line {Number} of the sweep")]
    private static partial void LogLine(ILogger logger, int number);

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\] ")]
    private static partial Regex GuideLine();

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
