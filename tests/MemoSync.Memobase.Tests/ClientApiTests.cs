using System.Text.Json.Nodes;
using MemoSync.Memobase.Errors;
using MemoSync.Memobase.Models;
using MemoSync.Memobase.Queries;
using MemoSync.TestSupport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace MemoSync.Memobase.Tests;

/// <summary>Every client method against the emulator over real HTTP.</summary>
public class ClientApiTests : EmulatorTest
{
    private static readonly ChatMessage[] Turn =
    [
        new(ChatMessage.UserRole, "I play tennis every Sunday", "Ann", "2024-12-04T10:30:00"),
        new(ChatMessage.AssistantRole, "That sounds fun!", null, "2024-12-04T10:30:02"),
    ];

    [Fact]
    public async Task Healthcheck_succeeds() => await Client.HealthCheckAsync();

    [Fact]
    public async Task A_user_is_created_read_updated_and_deleted()
    {
        var id = NewUser();
        Assert.Equal(id, await Client.CreateUserAsync(id, new JsonObject { ["name"] = "Ann" }));
        var user = await Client.GetUserAsync(id);
        Assert.Equal("Ann", (string?)user.Data?["name"]);
        Assert.NotNull(user.CreatedAt);

        await Client.UpdateUserAsync(id, new JsonObject { ["name"] = "Anna" });
        Assert.Equal("Anna", (string?)(await Client.GetUserAsync(id)).Data?["name"]);

        await Client.DeleteUserAsync(id);
        var gone = await Assert.ThrowsAsync<MemobaseException>(() => Client.GetUserAsync(id));
        Assert.Equal(MemobaseErrorKind.MissingUser, gone.Kind);
        Assert.Equal(404, gone.Errno);
    }

    [Fact]
    public async Task A_user_created_without_id_gets_a_server_chosen_one()
    {
        var id = await Client.CreateUserAsync();
        Assert.Equal(4, id.Value.Version);
        Assert.Null((await Client.GetUserAsync(id)).Data);
    }

    [Fact]
    public async Task Get_or_create_creates_a_missing_user_once_and_then_finds_it()
    {
        var id = NewUser();
        var created = await Client.GetOrCreateUserAsync(id, new JsonObject { ["source"] = "test" });
        Assert.Equal("test", (string?)created.Data?["source"]);
        var found = await Client.GetOrCreateUserAsync(id);
        Assert.Equal(created.CreatedAt, found.CreatedAt);
    }

    [Fact]
    public async Task Creating_a_user_not_yet_in_Memobase_is_neither_a_warning_nor_a_counted_failure()
    {
        var log = new FakeLogger<MemobaseClient>();
        using var errors = new MetricCollector<long>(null, MemobaseClientMetrics.MeterName, "memosync.memobase.errors");
        using var http = new HttpClient();
        var client = new MemobaseClient(http, new MemobaseClientOptions { BaseUrl = Server.Emulator.BaseAddress.ToString(), Token = RunningEmulator.Token }, log);

        await client.GetOrCreateUserAsync(NewUser());

        Assert.DoesNotContain(log.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning);
        // The meter is shared with the tests running beside this one: none of them counts a missing user either.
        Assert.DoesNotContain(errors.GetMeasurementSnapshot(), m => m.Tags["kind"] as string is "missinguser" or "missing_user");
    }

    [Fact]
    public async Task A_call_that_gets_no_answer_is_logged_with_its_reason_not_an_empty_status()
    {
        var log = new FakeLogger<MemobaseClient>();
        using var http = new HttpClient();
        var port = LoopbackPort.Unused();
        var client = new MemobaseClient(http, new MemobaseClientOptions { BaseUrl = $"http://127.0.0.1:{port}/", Token = RunningEmulator.Token }, log);

        await Assert.ThrowsAsync<MemobaseException>(() => client.HealthCheckAsync());

        var line = Assert.Single(log.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning).Message;
        Assert.StartsWith($"Memobase healthcheck failed: no answer from http://127.0.0.1:{port} (", line, StringComparison.Ordinal);
        Assert.EndsWith("(Transient)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("null", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_an_existing_user_is_the_servers_errno_500()
    {
        var id = await Client.CreateUserAsync(NewUser());
        var e = await Assert.ThrowsAsync<MemobaseException>(() => Client.CreateUserAsync(id));
        Assert.Equal((200, 500), (e.HttpStatus, e.Errno));
        Assert.StartsWith("Sorry, we have encountered an unknown error", e.Errmsg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chat_blob_keeps_its_fields_and_each_messages_own_time()
    {
        var id = await Client.CreateUserAsync(NewUser());
        var fields = new JsonObject { ["memosync_turn_id"] = "turn-1" };
        var inserted = await Client.InsertChatBlobAsync(id, Turn, fields);

        var blob = await Client.GetBlobAsync(id, inserted.Id);
        Assert.Equal(BlobType.Chat, blob.BlobType);
        Assert.Equal("turn-1", (string?)blob.Fields?["memosync_turn_id"]);
        var messages = blob.BlobData["messages"]!.AsArray();
        Assert.Equal("I play tennis every Sunday", (string?)messages[0]!["content"]);
        Assert.Equal("Ann", (string?)messages[0]!["alias"]);
        Assert.Equal("2024-12-04T10:30:02", (string?)messages[1]!["created_at"]);
    }

    [Fact]
    public async Task Blob_ids_are_listed_by_type_page_by_page_and_a_deleted_blob_is_gone()
    {
        var id = await Client.CreateUserAsync(NewUser());
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Client.InsertChatBlobAsync(id, Turn)).Id);
        }
        Assert.Equal(ids[..2], await Client.ListBlobIdsAsync(id, BlobType.Chat, page: 0, pageSize: 2));
        Assert.Equal(ids[2..], await Client.ListBlobIdsAsync(id, BlobType.Chat, page: 1, pageSize: 2));
        Assert.Empty(await Client.ListBlobIdsAsync(id, BlobType.Doc));

        await Client.DeleteBlobAsync(id, ids[0]);
        var e = await Assert.ThrowsAsync<MemobaseException>(() => Client.GetBlobAsync(id, ids[0]));
        Assert.Equal(MemobaseErrorKind.Permanent, e.Kind);
    }

    [Fact]
    public async Task A_flush_that_waits_returns_the_event_and_removes_the_processed_blobs()
    {
        var id = await Client.CreateUserAsync(NewUser());
        var blob = await Client.InsertChatBlobAsync(id, Turn);
        Assert.Equal([blob.Id], await Client.GetBufferCapacityAsync(id, BlobType.Chat, BufferStatus.Idle));

        var results = await Client.FlushBufferAsync(id, BlobType.Chat, waitProcess: true);

        var eventId = Assert.Single(results).EventId;
        Assert.Equal(eventId, Assert.Single(await Client.GetEventsAsync(id)).Id);
        Assert.Empty(await Client.GetBufferCapacityAsync(id, BlobType.Chat, BufferStatus.Idle));
        Assert.Equal([blob.Id], await Client.GetBufferCapacityAsync(id, BlobType.Chat, BufferStatus.Done));
        await Assert.ThrowsAsync<MemobaseException>(() => Client.GetBlobAsync(id, blob.Id));
    }

    [Fact]
    public async Task A_flush_that_does_not_wait_returns_at_once_and_the_buffer_is_processed_after()
    {
        var id = await Client.CreateUserAsync(NewUser());
        await Client.InsertChatBlobAsync(id, Turn);

        Assert.Empty(await Client.FlushBufferAsync(id, BlobType.Chat, waitProcess: false));

        var events = await Eventually(() => Client.GetEventsAsync(id), e => e.Count == 1);
        Assert.Contains("tennis", events[0].EventData!.EventTip, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_buffer_past_1024_tokens_is_processed_by_the_insert_itself()
    {
        var id = await Client.CreateUserAsync(NewUser());
        ChatMessage[] big = [new(ChatMessage.UserRole, new string('x', 5000)), new(ChatMessage.AssistantRole, "ok")];
        var inserted = await Client.InsertChatBlobAsync(id, big, waitProcess: true);
        Assert.NotNull(Assert.Single(inserted.ChatResults!).EventId);
    }

    [Fact]
    public async Task Profiles_are_added_filtered_updated_and_deleted()
    {
        var id = await Client.CreateUserAsync(NewUser());
        var tennis = await Client.AddProfileAsync(id, "plays tennis", "interest", "sports");
        await Client.AddProfileAsync(id, "reads novels", "interest", "books");
        await Client.AddProfileAsync(id, "lives in Lyon", "basic_info", "city");

        Assert.Equal(3, (await Client.GetProfilesAsync(id)).Count);
        var onlyBasic = await Client.GetProfilesAsync(id, new ProfileQuery { Topics = new TopicFilter { OnlyTopics = ["basic_info"] } });
        Assert.Equal("lives in Lyon", Assert.Single(onlyBasic).Content);
        var limited = await Client.GetProfilesAsync(id, new ProfileQuery { Topics = new TopicFilter { TopicLimits = new Dictionary<string, int> { ["interest"] = 1 } } });
        Assert.Equal(2, limited.Count);
        var preferred = await Client.GetProfilesAsync(id, new ProfileQuery { TopK = 1, Topics = new TopicFilter { PreferTopics = ["basic_info"] } });
        Assert.Equal("basic_info", Assert.Single(preferred).Attributes!.Topic);
        Assert.Single(await Client.GetProfilesAsync(id, new ProfileQuery { MaxTokenSize = 4, Chats = Turn }));

        await Client.UpdateProfileAsync(id, tennis, "plays tennis twice a week", "interest", "sports");
        Assert.Contains(await Client.GetProfilesAsync(id), p => p.Id == tennis && p.Content == "plays tennis twice a week");
        await Client.DeleteProfileAsync(id, tennis);
        Assert.DoesNotContain(await Client.GetProfilesAsync(id), p => p.Id == tennis);
    }

    [Fact]
    public async Task The_context_holds_profiles_and_events_in_the_servers_layout()
    {
        var id = await Client.CreateUserAsync(NewUser());
        await Client.AddProfileAsync(id, "plays tennis", "interest", "sports");
        await Client.InsertChatBlobAsync(id, Turn);
        await Client.FlushBufferAsync(id, BlobType.Chat, waitProcess: true);

        var context = await Client.GetContextAsync(id);
        Assert.StartsWith("---\n# Memory\n", context, StringComparison.Ordinal);
        Assert.Contains("## User Current Profile:\n- interest::sports: plays tennis\n", context, StringComparison.Ordinal);
        Assert.Contains("## Past Events:\n[", context, StringComparison.Ordinal);
        Assert.Contains("I play tennis every Sunday", context, StringComparison.Ordinal);

        var custom = await Client.GetContextAsync(id, new ContextQuery
        {
            MaxTokenSize = 500,
            ProfileEventRatio = 0.5,
            Chats = [new(ChatMessage.UserRole, "tennis")],
            EventSimilarityThreshold = 0.1,
            TimeRangeInDays = 30,
            RequireEventSummary = false,
            FullProfileAndOnlySearchEvent = true,
            FillWindowWithEvents = true,
            Topics = new TopicFilter { OnlyTopics = ["interest"], MaxSubtopicSize = 2 },
            CustomizeContextPrompt = "P:{profile_section}|E:{event_section}",
        });
        Assert.StartsWith("P:- interest::sports: plays tennis|E:[", custom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_are_listed_and_searched_by_words()
    {
        var id = await Client.CreateUserAsync(NewUser());
        await Client.InsertChatBlobAsync(id, Turn);
        await Client.FlushBufferAsync(id, BlobType.Chat, waitProcess: true);
        await Client.InsertChatBlobAsync(id, [new(ChatMessage.UserRole, "我喜欢喝茶"), new(ChatMessage.AssistantRole, "好的")]);
        await Client.FlushBufferAsync(id, BlobType.Chat, waitProcess: true);

        Assert.Equal(2, (await Client.GetEventsAsync(id, topK: 5, maxTokenSize: 1000, needSummary: true)).Count);
        var tennis = Assert.Single(await Client.SearchEventsAsync(id, "tennis Sunday", similarityThreshold: 0.5));
        Assert.Equal(1.0, tennis.Similarity);
        Assert.Contains("喝茶", Assert.Single(await Client.SearchEventsAsync(id, "喝茶")).EventData!.EventTip, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_profile_config_is_read_and_replaced()
    {
        Assert.Null(await Client.GetProfileConfigAsync());
        const string yaml = "overwrite_user_profiles:\n  - topic: interest\n";
        await Client.UpdateProfileConfigAsync(yaml);
        Assert.Equal(yaml, await Client.GetProfileConfigAsync());
    }

    [Fact]
    public async Task Inserting_for_an_unknown_user_is_a_missing_user_and_succeeds_once_the_user_exists()
    {
        var id = NewUser();
        var e = await Assert.ThrowsAsync<MemobaseException>(() => Client.InsertChatBlobAsync(id, Turn));
        Assert.Equal((MemobaseErrorKind.MissingUser, 200, 500), (e.Kind, e.HttpStatus, e.Errno));

        await Client.CreateUserAsync(id);
        Assert.NotEqual(Guid.Empty, (await Client.InsertChatBlobAsync(id, Turn)).Id);
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            await Task.Delay(20, deadline.Token);
        }
    }
}
