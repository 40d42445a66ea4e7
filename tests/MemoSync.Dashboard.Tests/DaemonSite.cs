using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;

namespace MemoSync.Dashboard.Tests;

/// <summary>
/// <c>memosync run --dashboard-address 127.0.0.1:0</c> as a real child process, delivering to an emulator over loopback
/// from a SQLite journal that the test writes turns to, as another process would. Failed turns come back within seconds
/// (<c>MEMOBASE_SYNC_INTERVAL=1</c>).
/// </summary>
public sealed partial class DaemonSite : DashboardUnderTest
{
    private readonly DirectoryInfo _dir;
    private readonly SqliteJournal _journal;

    private DaemonSite(RunningEmulator server, DirectoryInfo dir, SqliteJournal journal, Process daemon, Uri root)
    {
        Server = server;
        _dir = dir;
        _journal = journal;
        Daemon = daemon;
        Root = root;
    }

    public override RunningEmulator Server { get; }

    public override Uri Root { get; }

    public override IDialogueJournal Journal => _journal;

    /// <summary>The daemon's process.</summary>
    public Process Daemon { get; }

    /// <summary>Starts an emulator and the daemon with its dashboard (its token <see cref="DashboardUnderTest.Token"/>), and waits until it listens.</summary>
    public static async Task<DaemonSite> StartAsync()
    {
        var server = await RunningEmulator.StartAsync();
        var dir = Directory.CreateTempSubdirectory("memosync-daemon-dashboard-");
        var path = Path.Combine(dir.FullName, "memosync.db");
        var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = path });
        var daemon = CliProcess.Start(new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = path,
            ["MEMOBASE_SYNC_INTERVAL"] = "1",
            ["MEMOSYNC_DASHBOARD_TOKEN"] = Token,
        }, "run", "--dashboard-address", "127.0.0.1:0");
        var root = await DashboardAddressAsync(daemon, new ConcurrentQueue<string>());
        return new DaemonSite(server, dir, journal, daemon, root);
    }

    /// <summary>Writes a turn to the journal, as an application sharing it does; the daemon sees the change and delivers it.</summary>
    public override async Task<Turn> RecordAsync(string user, string said)
    {
        var turn = Turn.Create(user, "session-1", [new(ChatMessage.UserRole, said), new(ChatMessage.AssistantRole, $"You said: {said}")], TimeProvider.System);
        await _journal.AppendAsync(turn);
        return turn;
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await CliProcess.StopAsync(Daemon, "INT", TimeSpan.FromSeconds(30));
        }
        finally
        {
            Daemon.Dispose();
            await _journal.DisposeAsync();
            await Server.DisposeAsync();
            _dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The dashboard's address, from the line the daemon prints once it listens; what it writes after that is read on
    /// into <paramref name="output"/>, so that a full pipe never blocks it.
    /// </summary>
    private static async Task<Uri> DashboardAddressAsync(Process daemon, ConcurrentQueue<string> output)
    {
        _ = DrainAsync(daemon.StandardError, output);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await daemon.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            output.Enqueue(line);
            if (DashboardLine().Match(line) is { Success: true } match)
            {
                _ = DrainAsync(daemon.StandardOutput, output);
                return new Uri(match.Groups[1].Value);
            }
        }
        await daemon.WaitForExitAsync(deadline.Token);
        throw new InvalidOperationException($"the daemon ended without serving the dashboard: {string.Join('\n', output)}");
    }

    private static async Task DrainAsync(StreamReader reader, ConcurrentQueue<string> output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            output.Enqueue(line);
        }
    }

    [GeneratedRegex(@"dashboard at (http://\S+/memosync/)")]
    private static partial Regex DashboardLine();
}
