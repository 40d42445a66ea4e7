using System.Text.Json.Nodes;
using MemoSync.Memobase.Models;
using MemoSync.Memobase.Queries;
using MemoSync.TestSupport;

namespace MemoSync.Memobase.Tests;

/// <summary>Every request the client sends, and every success the emulator answers, validate against the OpenAPI document.</summary>
public class ContractTests : EmulatorTest
{
    [Fact]
    public async Task Every_client_call_and_every_answer_conform_to_the_OpenAPI_document()
    {
        var id = await Client.CreateUserAsync(MemobaseUserId.FromName("contract"), new JsonObject { ["plan"] = "free" });
        await Client.HealthCheckAsync();
        await Client.GetOrCreateUserAsync(id);
        await Client.GetOrCreateUserAsync(NewUser());
        await Client.UpdateUserAsync(id, new JsonObject { ["plan"] = "pro" });
        ChatMessage[] turn = [new(ChatMessage.UserRole, "我喜欢打网球", "小明", "2024-12-04T10:30:00"), new(ChatMessage.AssistantRole, "好的")];
        var blob = await Client.InsertChatBlobAsync(id, turn, new JsonObject { ["memosync_turn_id"] = "t-1" });
        await Client.GetBlobAsync(id, blob.Id);
        await Client.ListBlobIdsAsync(id, BlobType.Chat, 0, 5);
        await Client.GetBufferCapacityAsync(id, BlobType.Chat, BufferStatus.Idle);
        await Client.FlushBufferAsync(id, BlobType.Chat, waitProcess: true);
        await Client.InsertChatBlobAsync(id, turn, waitProcess: true);
        await Client.FlushBufferAsync(id);
        var profile = await Client.AddProfileAsync(id, "plays tennis", "interest", "sports");
        await Client.UpdateProfileAsync(id, profile, "plays tennis weekly", "interest", "sports");
        var topics = new TopicFilter { PreferTopics = ["interest"], OnlyTopics = ["interest"], MaxSubtopicSize = 3, TopicLimits = new Dictionary<string, int> { ["interest"] = 2 } };
        await Client.GetProfilesAsync(id, new ProfileQuery { TopK = 5, MaxTokenSize = 100, Topics = topics, Chats = turn });
        await Client.GetContextAsync(id, new ContextQuery
        {
            MaxTokenSize = 500, Topics = topics, ProfileEventRatio = 0.5, RequireEventSummary = true, Chats = turn,
            EventSimilarityThreshold = 0.3, TimeRangeInDays = 7, CustomizeContextPrompt = "{profile_section}\n{event_section}",
            FullProfileAndOnlySearchEvent = false, FillWindowWithEvents = true,
        });
        await Client.GetEventsAsync(id, 5, 500, true);
        await Client.SearchEventsAsync(id, "网球", 5, 0.1, 30);
        await Client.UpdateProfileConfigAsync("language: zh\n");
        await Client.GetProfileConfigAsync();
        await Client.DeleteProfileAsync(id, profile);
        var other = await Client.InsertChatBlobAsync(id, turn);
        await Client.DeleteBlobAsync(id, other.Id);
        await Client.DeleteUserAsync(id);

        Assert.True(Server.Recorder.Exchanges.Count >= 24);
        OpenApiContract.Instance.AssertAll(Server.Recorder.Exchanges);
    }
}
