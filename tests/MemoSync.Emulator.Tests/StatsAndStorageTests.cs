using MemoSync.TestSupport;

namespace MemoSync.Emulator.Tests;

/// <summary>What the emulator received, its buffer, and where it keeps its data.</summary>
public class StatsAndStorageTests : RawApiTest
{
    [Fact]
    public async Task Stats_count_blobs_and_duplicates_per_user_by_turn_id()
    {
        var ann = await CreateUser();
        var bob = await CreateUser();
        await Send(HttpMethod.Post, $"blobs/insert/{ann}", Chat("a", turnId: "t1"));
        await Send(HttpMethod.Post, $"blobs/insert/{ann}", Chat("a", turnId: "t1"));
        await Send(HttpMethod.Post, $"blobs/insert/{ann}", Chat("b", turnId: "t2"));
        await Send(HttpMethod.Post, $"blobs/insert/{bob}", Chat("c"));

        var (_, body, _) = await Send(HttpMethod.Get, "../../_emulator/stats");
        Assert.Equal((4, 1), ((int)body!["blobs_received"]!, (int)body["duplicates"]!));
        var annStats = body["users"]!.AsArray().Single(u => (string)u!["user_id"]! == ann)!;
        Assert.Equal((3, 2, 1), ((int)annStats["blobs_received"]!, (int)annStats["distinct_turns"]!, (int)annStats["duplicates"]!));
        var bobStats = Server.Emulator.GetStats().Users.Single(u => u.UserId == Guid.Parse(bob));
        Assert.Equal((1, 1), (bobStats.BlobsReceived, bobStats.WithoutTurnId));

        await Send(HttpMethod.Post, "../../_emulator/stats/reset");
        Assert.Empty(Server.Emulator.GetStats().Users);
    }

    [Fact]
    public async Task An_idle_buffer_is_processed_once_it_passes_the_token_threshold()
    {
        var user = await CreateUser();
        await Send(HttpMethod.Post, $"blobs/insert/{user}", Chat(new string('x', 2000)));
        Assert.Single((await Send(HttpMethod.Get, $"users/buffer/capacity/{user}/chat?status=idle")).Body!["data"]!["ids"]!.AsArray());

        var (_, body, _) = await Send(HttpMethod.Post, $"blobs/insert/{user}?wait_process=true", Chat(new string('y', 3000)));

        Assert.Single(body!["data"]!["chat_results"]!.AsArray());
        Assert.Empty((await Send(HttpMethod.Get, $"users/buffer/capacity/{user}/chat?status=idle")).Body!["data"]!["ids"]!.AsArray());
        Assert.Equal(2, (await Send(HttpMethod.Get, $"users/buffer/capacity/{user}/chat?status=done")).Body!["data"]!["ids"]!.AsArray().Count);
        Assert.Empty((await Send(HttpMethod.Get, $"users/blobs/{user}/chat")).Body!["data"]!["ids"]!.AsArray());
    }

    [Fact]
    public async Task Flushing_an_empty_buffer_answers_an_empty_list()
    {
        var user = await CreateUser();
        var (_, body, _) = await Send(HttpMethod.Post, $"users/buffer/{user}/chat?wait_process=true");
        Assert.Empty(body!["data"]!.AsArray());
    }
}

public class PersistentChatBlobTests : RawApiTest
{
    protected override void Configure(EmulatorOptions options) => options.PersistentChatBlobs = true;

    [Fact]
    public async Task With_persistent_chat_blobs_processed_blobs_are_kept()
    {
        var user = await CreateUser();
        await Send(HttpMethod.Post, $"blobs/insert/{user}", Chat("kept"));
        await Send(HttpMethod.Post, $"users/buffer/{user}/chat?wait_process=true");
        Assert.Single((await Send(HttpMethod.Get, $"users/blobs/{user}/chat")).Body!["data"]!["ids"]!.AsArray());
    }
}

public class SqliteStorageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-emulator-").FullName;

    [Fact]
    public async Task Data_in_a_SQLite_file_survives_a_restart_and_the_file_is_readable_by_its_owner_only()
    {
        var path = Path.Combine(_dir, "emulator.db");
        string user;
        await using (var first = await RunningEmulator.StartAsync(o => o.DataPath = path))
        {
            user = (await first.Client.CreateUserAsync(data: new System.Text.Json.Nodes.JsonObject { ["name"] = "Ann" })).ToString();
            await first.Client.AddProfileAsync(Memobase.MemobaseUserId.Parse(user), "likes tea", "interest", "drink");
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        await using var second = await RunningEmulator.StartAsync(o => o.DataPath = path);
        var id = Memobase.MemobaseUserId.Parse(user);
        Assert.Equal("Ann", (string?)(await second.Client.GetUserAsync(id)).Data?["name"]);
        Assert.Equal("likes tea", Assert.Single(await second.Client.GetProfilesAsync(id)).Content);
    }

    [Fact]
    public async Task In_memory_data_is_gone_after_a_restart()
    {
        string user;
        await using (var first = await RunningEmulator.StartAsync())
        {
            user = (await first.Client.CreateUserAsync()).ToString();
        }
        await using var second = await RunningEmulator.StartAsync();
        var e = await Assert.ThrowsAsync<Memobase.Errors.MemobaseException>(() => second.Client.GetUserAsync(Memobase.MemobaseUserId.Parse(user)));
        Assert.Equal(404, e.Errno);
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
