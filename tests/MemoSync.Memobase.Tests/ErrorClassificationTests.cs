using MemoSync.Emulator;
using MemoSync.Memobase.Errors;
using MemoSync.Memobase.Models;
using MemoSync.TestSupport;

namespace MemoSync.Memobase.Tests;

/// <summary>Every row of DESIGN.md's error table, produced by the emulator over real HTTP.</summary>
public class ErrorClassificationTests : EmulatorTest
{
    private static readonly ChatMessage[] Turn = [new(ChatMessage.UserRole, "hello"), new(ChatMessage.AssistantRole, "hi")];

    private async Task<MemobaseException> FailingInsert(FaultSettings faults, MemobaseClient? client = null)
    {
        var id = await Client.CreateUserAsync(NewUser());
        Server.Emulator.Faults = faults;
        return await Assert.ThrowsAsync<MemobaseException>(() => (client ?? Client).InsertChatBlobAsync(id, Turn));
    }

    [Fact]
    public async Task A_refused_connection_is_transient_without_status()
    {
        var client = ClientFor($"http://127.0.0.1:{LoopbackPort.Unused()}/", "t");
        var e = await Assert.ThrowsAsync<MemobaseException>(() => client.HealthCheckAsync());
        Assert.Equal((MemobaseErrorKind.Transient, (int?)null), (e.Kind, e.HttpStatus));
    }

    [Fact]
    public async Task A_cut_connection_is_transient() =>
        Assert.Equal(MemobaseErrorKind.Transient, (await FailingInsert(new FaultSettings { DropRate = 1 })).Kind);

    [Fact]
    public async Task An_outage_is_transient_and_ends_when_the_server_is_back()
    {
        var e = await FailingInsert(new FaultSettings { Outage = true });
        Assert.Equal(MemobaseErrorKind.Transient, e.Kind);
        Server.Emulator.Faults = new FaultSettings();
        await Client.HealthCheckAsync();
    }

    [Fact]
    public async Task A_timeout_is_transient()
    {
        var client = ClientFor(Server.Emulator.BaseAddress.ToString(), RunningEmulatorToken, TimeSpan.FromMilliseconds(100));
        var e = await FailingInsert(new FaultSettings { LatencyMinMs = 2000, LatencyMaxMs = 2000 }, client);
        Assert.Equal((MemobaseErrorKind.Transient, (int?)null, true), (e.Kind, e.HttpStatus, e.OutcomeUnknown));
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_insert_stored_whose_answer_is_cut_is_an_unknown_outcome()
    {
        var e = await FailingInsert(new FaultSettings { LostAnswerRate = 1 });
        Assert.Equal((MemobaseErrorKind.Transient, true), (e.Kind, e.OutcomeUnknown));
        Assert.Equal((1L, 1L), (Server.Emulator.GetStats().BlobsReceived, Server.Emulator.GetStats().LostAnswers));
    }

    [Fact]
    public async Task A_server_that_is_down_refuses_the_connection_and_the_outcome_is_known()
    {
        var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = RunningEmulatorToken });
        var client = ClientFor(emulator.BaseAddress.ToString(), RunningEmulatorToken);
        var user = await client.CreateUserAsync(NewUser());
        await emulator.DisposeAsync();
        var e = await Assert.ThrowsAsync<MemobaseException>(() => client.InsertChatBlobAsync(user, Turn));
        Assert.Equal((MemobaseErrorKind.Transient, false), (e.Kind, e.OutcomeUnknown));
    }

    [Fact]
    public async Task An_answer_is_never_an_unknown_outcome()
    {
        var e = await FailingInsert(new FaultSettings { Http503Rate = 1 });
        Assert.False(e.OutcomeUnknown);
    }

    [Fact]
    public async Task An_enormous_Retry_After_is_cut_to_MaxRetryAfter()
    {
        var e = await FailingInsert(new FaultSettings { Http429Rate = 1, RetryAfterSeconds = 2_000_000_000 });
        Assert.Equal(new MemobaseClientOptions().MaxRetryAfter, e.RetryAfter);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task HTTP_5xx_is_transient(int status)
    {
        var e = await FailingInsert(status == 500 ? new FaultSettings { Http500Rate = 1 } : new FaultSettings { Http503Rate = 1 });
        Assert.Equal((MemobaseErrorKind.Transient, (int?)status), (e.Kind, e.HttpStatus));
    }

    [Fact]
    public async Task HTTP_429_is_transient_and_carries_Retry_After()
    {
        var e = await FailingInsert(new FaultSettings { Http429Rate = 1, RetryAfterSeconds = 7 });
        Assert.Equal((MemobaseErrorKind.Transient, (int?)429, (TimeSpan?)TimeSpan.FromSeconds(7)), (e.Kind, e.HttpStatus, e.RetryAfter));
    }

    [Fact]
    public async Task Errno_500_outside_a_missing_user_is_transient()
    {
        var e = await FailingInsert(new FaultSettings { Errno500Rate = 1 });
        Assert.Equal((MemobaseErrorKind.Transient, (int?)200, (int?)500), (e.Kind, e.HttpStatus, e.Errno));
    }

    [Fact]
    public async Task Errno_503_is_a_spent_quota_transient_with_a_long_backoff()
    {
        var e = await FailingInsert(new FaultSettings { QuotaRate = 1 });
        Assert.Equal((MemobaseErrorKind.Transient, (int?)503, true), (e.Kind, e.Errno, e.IsQuotaExhausted));
        Assert.Contains("token limit", e.Errmsg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_is_configuration_and_the_token_is_never_in_the_error()
    {
        const string wrong = "sk-proj-0000-SUPERSECRETVALUE";
        var e = await Assert.ThrowsAsync<MemobaseException>(() => ClientFor(Server.Emulator.BaseAddress.ToString(), wrong).GetUserAsync(NewUser()));
        Assert.Equal((MemobaseErrorKind.Configuration, (int?)401, (int?)401), (e.Kind, e.HttpStatus, e.Errno));
        Assert.DoesNotContain("SUPERSECRETVALUE", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_user_is_told_apart_even_when_the_token_is_a_word_of_the_answer()
    {
        // The answer ("User … not found") is classified as the server said it; only the text shown has the token redacted.
        await using var emulator = await MemobaseEmulator.StartAsync(new EmulatorOptions { Port = 0, AccessToken = "found" });
        var client = ClientFor(emulator.BaseAddress.ToString(), "found");
        var e = await Assert.ThrowsAsync<MemobaseException>(() => client.GetUserAsync(NewUser()));
        Assert.Equal(MemobaseErrorKind.MissingUser, e.Kind);
        Assert.DoesNotContain("found", e.Message, StringComparison.Ordinal);
        var user = NewUser();
        Assert.Equal(user.Value, (await client.GetOrCreateUserAsync(user)).Id);
    }

    [Fact]
    public async Task A_base_URL_that_is_not_the_Memobase_root_is_configuration()
    {
        var client = ClientFor(new Uri(Server.Emulator.BaseAddress, "memobase/").ToString(), RunningEmulatorToken);
        var e = await Assert.ThrowsAsync<MemobaseException>(() => client.GetUserAsync(NewUser()));
        Assert.Equal((MemobaseErrorKind.Configuration, (int?)404), (e.Kind, e.HttpStatus));
        Assert.Contains("root", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_FastAPI_refuses_with_422_is_permanent()
    {
        var id = await Client.CreateUserAsync(NewUser());
        var e = await Assert.ThrowsAsync<MemobaseException>(() =>
            Client.InsertBlobAsync(id, new Blob("video", new System.Text.Json.Nodes.JsonObject())));
        Assert.Equal((MemobaseErrorKind.Permanent, (int?)422), (e.Kind, e.HttpStatus));
        Assert.Contains("blob_type", e.Errmsg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_the_server_cannot_parse_is_permanent_errno_400()
    {
        var id = await Client.CreateUserAsync(NewUser());
        var badRole = new System.Text.Json.Nodes.JsonObject
        {
            ["messages"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["role"] = "system", ["content"] = "x" }),
        };
        var e = await Assert.ThrowsAsync<MemobaseException>(() => Client.InsertBlobAsync(id, new Blob(BlobType.Chat, badRole)));
        Assert.Equal((MemobaseErrorKind.Permanent, (int?)200, (int?)400), (e.Kind, e.HttpStatus, e.Errno));
        Assert.StartsWith("Unable to parse blob", e.Errmsg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(403, true, null, MemobaseErrorKind.Configuration)]
    [InlineData(408, false, null, MemobaseErrorKind.Transient)]
    [InlineData(404, true, "Item gone", MemobaseErrorKind.Permanent)]
    [InlineData(405, true, "Method Not Allowed", MemobaseErrorKind.Configuration)]
    [InlineData(400, false, null, MemobaseErrorKind.Permanent)]
    public void Statuses_the_emulator_never_sends_are_classified_by_the_table(int status, bool fromServer, string? detail, MemobaseErrorKind kind) =>
        Assert.Equal(kind, ErrorClassifier.ForStatus(status, fromServer, detail));

    [Theory]
    [InlineData(418, "I'm a teapot")]
    [InlineData(999, "")]
    public void An_unknown_errno_is_transient(int errno, string errmsg) =>
        Assert.Equal(MemobaseErrorKind.Transient, ErrorClassifier.ForErrno(errno, errmsg, isInsert: true));

    [Fact]
    public void Errno_422_is_permanent() => Assert.Equal(MemobaseErrorKind.Permanent, ErrorClassifier.ForErrno(422, "bad", isInsert: true));

    [Fact]
    public async Task A_cancelled_call_is_cancelled_not_a_Memobase_failure()
    {
        var id = await Client.CreateUserAsync(NewUser());
        Server.Emulator.Faults = new FaultSettings { LatencyMinMs = 5000, LatencyMaxMs = 5000 };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.InsertChatBlobAsync(id, Turn, ct: cts.Token));
    }

    private const string RunningEmulatorToken = TestSupport.RunningEmulator.Token;

    internal static MemobaseClient ClientFor(string url, string token, TimeSpan? timeout = null) =>
        new(new HttpClient(), new MemobaseClientOptions { BaseUrl = url, Token = token, Timeout = timeout ?? TimeSpan.FromSeconds(10) });

}
