using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.TestSupport;
using MemoSync.TestSupport.Following;

namespace MemoSync.Cli.Tests.Follow;

/// <summary>
/// <c>memosync run --follow</c> as a real child process, following the file a real Python program writes as the guide's
/// assistant does, against the emulator on loopback.
/// </summary>
public sealed class FollowCommandTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-follow-").FullName;

    [Fact]
    public async Task Every_turn_the_guides_app_appends_reaches_Memobase_once_and_in_order_across_restarts_a_rewrite_a_truncation_and_a_rotation()
    {
        await using var server = await RunningEmulator.StartAsync();
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        var file = Path.Combine(_dir, "data", "save_data.jsonl");
        var journal = Path.Combine(_dir, "data", "memosync.db");
        var settings = new Dictionary<string, string>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = journal,
            // The guide's lines carry no user: they are this one's.
            ["USER_ID"] = "ann",
        };
        var daemon = FollowingDaemon.Start(_dir, settings);
        var app = GuideRecorder.Start(file);

        await app.SendAsync("append 0 5");
        await server.WaitForBlobsAsync(5, Patience);
        // The guide marks what it synced by writing the whole file again: the same turns, each line a byte shorter.
        await app.SendAsync("sync 5");
        await app.SendAsync("append 5 3");
        await server.WaitForBlobsAsync(8, Patience);
        // A line written in two parts is no line until its newline: looks in between leave the half alone.
        await app.SendAsync("partial 8");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await app.SendAsync("finish 8");
        await app.SendAsync("garbage");
        await server.WaitForBlobsAsync(9, Patience);

        // memosync run stops; the app goes on writing, and is restarted itself.
        var first = await daemon.StopAsync();
        await app.SendAsync("append 9 3");
        await app.DisposeAsync();
        app = GuideRecorder.Start(file);
        await app.SendAsync("append 12 2");
        daemon = FollowingDaemon.Start(_dir, settings);
        await server.WaitForBlobsAsync(14, Patience);

        await app.SendAsync("sync 14");
        await app.SendAsync("truncate");
        await app.SendAsync("append 14 2");
        await server.WaitForBlobsAsync(16, Patience);
        // Turn 16 goes to the renamed file through the handle the app still holds; turn 17 on is the new file's.
        await app.SendAsync("rotate 16");
        await app.SendAsync("append 17 2");
        await server.WaitForBlobsAsync(19, Patience);

        var second = await daemon.StopAsync();
        daemon = FollowingDaemon.Start(_dir, settings);
        await app.SendAsync("append 19 1");
        await server.WaitForBlobsAsync(20, Patience);
        var third = await daemon.StopAsync();
        await app.DisposeAsync();

        var log = string.Join("\n", first, second, third);
        Assert.Equal((20L, 0L), (server.Emulator.GetStats().BlobsReceived, server.Emulator.GetStats().Duplicates));
        Assert.Equal(Enumerable.Range(0, 20).Select(n => $"turn {n}: 你好！").ToList(), await SaidAsync(server, "ann"));
        Assert.Contains($"{file} line 10: not JSON", first, StringComparison.Ordinal);
        Assert.Contains($"{file} was truncated or rewritten", second, StringComparison.Ordinal);
        Assert.Contains($"{file} was rotated", second, StringComparison.Ordinal);
        await using var after = SqliteJournal.Open(new SqliteJournalOptions { Path = journal });
        var status = await after.GetStatusAsync();
        Assert.True((status.Synced, status.Pending, status.Dead) == (20, 0, 0), log);
    }

    /// <summary>What the assistant said in each chat blob the emulator stored for <paramref name="user"/>, in the order it stored them.</summary>
    private static async Task<List<string>> SaidAsync(RunningEmulator server, string user)
    {
        var id = MemobaseUserId.FromUuidOrName(user);
        var said = new List<string>();
        foreach (var blob in await server.Client.ListBlobIdsAsync(id, page: 0, pageSize: 100))
        {
            said.Add((await server.Client.GetBlobAsync(id, blob)).BlobData["messages"]![1]!["content"]!.GetValue<string>());
        }
        return said;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
