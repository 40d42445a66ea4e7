using MemoSync.Hosting;
using MemoSync.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MemoSync.Tests.Following;

/// <summary>An application wired by <c>AddMemoSync</c> that follows files, as a real host, against the emulator over loopback.</summary>
public sealed class FollowHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Files_named_in_the_MemoSync_section_and_by_MEMOSYNC_FOLLOW_are_followed_and_their_lines_delivered()
    {
        await using var server = await RunningEmulator.StartAsync();
        var (app, other) = (_dir.File("save_data.jsonl"), _dir.File("other.jsonl"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"),
            ["MemoSync:Follow:Files:0"] = app,
            ["MEMOSYNC_FOLLOW"] = other,
            ["USER_ID"] = "ann",
        });
        builder.Services.AddMemoSync(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();

        await File.AppendAllTextAsync(app, """{"messages": [{"role": "user", "content": "hi"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""" + "\n");
        await File.AppendAllTextAsync(other, """{"messages": [{"role": "user", "content": "hello"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:31:00", "user_id": "bob"}""" + "\n");
        await server.WaitForBlobsAsync(2, TimeSpan.FromSeconds(60));
        await host.StopAsync();

        var follow = host.Services.GetRequiredService<IOptions<MemoSyncOptions>>().Value.Follow;
        Assert.Equal([app, other], follow.Files);
        Assert.Equal(("ann", MemoSync.Following.FollowOptions.DefaultPollInterval), (follow.DefaultUser, follow.PollInterval));
        Assert.Single(await server.StoredTurnIdsAsync("ann"));
        Assert.Single(await server.StoredTurnIdsAsync("bob"));
    }

    [Fact]
    public async Task A_file_in_a_folder_that_cannot_be_watched_is_looked_at_every_poll_interval()
    {
        await using var server = await RunningEmulator.StartAsync();
        // No folder yet: the system has nothing to watch, so only the looks every PollInterval find the file.
        var file = Path.Combine(_dir.Path, "later", "save_data.jsonl");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddMemoSync(o =>
        {
            o.MemobaseUrl = server.Emulator.BaseAddress.ToString();
            o.MemobaseToken = RunningEmulator.Token;
            o.UseSqlite(_dir.File("memosync.db"));
            o.Follow.Files.Add(file);
            o.Follow.DefaultUser = "ann";
            o.Follow.PollInterval = TimeSpan.FromMilliseconds(100);
        });
        using var host = builder.Build();
        await host.StartAsync();

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.AppendAllTextAsync(file, """{"messages": [{"role": "user", "content": "hi"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""" + "\n");
        await server.WaitForBlobsAsync(1, TimeSpan.FromSeconds(60));
        await host.StopAsync();

        Assert.Single(await server.StoredTurnIdsAsync("ann"));
    }

    public void Dispose() => _dir.Dispose();
}
