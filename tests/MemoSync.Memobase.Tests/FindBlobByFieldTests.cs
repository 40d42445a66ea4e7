using System.Text.Json.Nodes;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;

namespace MemoSync.Memobase.Tests;

/// <summary>FindBlobByFieldAsync against the emulator: newest first, within its budget of requests.</summary>
public class FindBlobByFieldTests : EmulatorTest
{
    private const string Field = "memosync_turn_id";

    private static async Task<List<Guid>> InsertTurns(MemobaseClient client, MemobaseUserId user, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var blob = await client.InsertChatBlobAsync(user, [new(ChatMessage.UserRole, "hi")], new JsonObject { [Field] = $"turn-{i}" });
            ids.Add(blob.Id);
        }
        return ids;
    }

    /// <summary>The API requests the emulator receives while <paramref name="call"/> runs.</summary>
    private static async Task<(T Result, long Requests)> Counted<T>(RunningEmulator server, Func<Task<T>> call)
    {
        var before = server.Emulator.GetStats().Requests;
        var result = await call();
        return (result, server.Emulator.GetStats().Requests - before);
    }

    [Fact]
    public async Task A_blob_still_in_the_buffer_is_found_by_its_field()
    {
        var user = await Client.CreateUserAsync(NewUser());
        var ids = await InsertTurns(Client, user, 5);

        Assert.Equal(ids[2], await Client.FindBlobByFieldAsync(user, Field, "turn-2"));
        Assert.Null(await Client.FindBlobByFieldAsync(user, Field, "turn-9"));
    }

    [Fact]
    public async Task A_blob_is_not_found_once_its_buffer_is_processed_as_the_server_deletes_processed_chat_blobs()
    {
        var user = await Client.CreateUserAsync(NewUser());
        await InsertTurns(Client, user, 2);
        await Client.FlushBufferAsync(user, waitProcess: true);

        Assert.Null(await Client.FindBlobByFieldAsync(user, Field, "turn-1"));
    }

    [Fact]
    public async Task With_persistent_chat_blobs_a_processed_blob_is_still_found()
    {
        await using var server = await RunningEmulator.StartAsync(o => o.PersistentChatBlobs = true);
        var user = await server.Client.CreateUserAsync(NewUser());
        var ids = await InsertTurns(server.Client, user, 2);
        await server.Client.FlushBufferAsync(user, waitProcess: true);

        Assert.Equal(ids[1], await server.Client.FindBlobByFieldAsync(user, Field, "turn-1"));
    }

    [Fact]
    public async Task A_missing_user_is_not_found_rather_than_a_failure()
    {
        var (found, requests) = await Counted(Server, () => Client.FindBlobByFieldAsync(NewUser(), Field, "turn-0"));
        Assert.Equal((null, 1L), (found, requests));
    }

    [Fact]
    public async Task The_newest_blobs_are_looked_at_first_and_never_more_than_maxRequests_are_sent()
    {
        var user = await Client.CreateUserAsync(NewUser());
        var ids = await InsertTurns(Client, user, 12);

        Assert.Equal((ids[11], 2L), await Counted(Server, () => Client.FindBlobByFieldAsync(user, Field, "turn-11", maxRequests: 2)));
        Assert.Equal((ids[8], 5L), await Counted(Server, () => Client.FindBlobByFieldAsync(user, Field, "turn-8", maxRequests: 5)));
        Assert.Equal((null, 5L), await Counted(Server, () => Client.FindBlobByFieldAsync(user, Field, "turn-0", maxRequests: 5)));
        Assert.Equal((null, 13L), await Counted(Server, () => Client.FindBlobByFieldAsync(user, Field, "absent")));
    }

    [Fact]
    public async Task In_a_long_history_the_last_page_is_found_in_a_few_requests()
    {
        await using var server = await RunningEmulator.StartAsync(o => (o.PersistentChatBlobs, o.BufferTokenThreshold) = (true, int.MaxValue));
        var user = await server.Client.CreateUserAsync(NewUser());
        var ids = await InsertTurns(server.Client, user, 2 * BlobFinder.PageSize + 50);

        // Pages 0 and 1 full, page 3 empty, page 2 the last: four lists, then the newest blob.
        var (found, requests) = await Counted(server, () => server.Client.FindBlobByFieldAsync(user, Field, $"turn-{ids.Count - 1}", maxRequests: 5));
        Assert.Equal((ids[^1], 5L), (found, requests));
        // A blob on an earlier page: the page before is read when the last one is done.
        (found, requests) = await Counted(server, () => server.Client.FindBlobByFieldAsync(user, Field, $"turn-{ids.Count - 52}", maxRequests: 60));
        Assert.Equal((ids[^52], 56L), (found, requests));
    }
}
