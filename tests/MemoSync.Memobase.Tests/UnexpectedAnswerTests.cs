using MemoSync.Memobase.Errors;

namespace MemoSync.Memobase.Tests;

/// <summary>Answers Memobase never gives, from a canned loopback server: each is a classified failure, never a null or a crash.</summary>
public class UnexpectedAnswerTests
{
    private const string Token = "tok-SECRET-4711";
    public static TheoryData<string> Every => ClientCalls.Operations(ClientCalls.Single.Keys);

    public static TheoryData<string> NeedingData => ClientCalls.Operations(ClientCalls.NeedingData);

    private static async Task<MemobaseException> Fails(CannedHttpServer server, string operation, MemobaseClientOptions? options = null)
    {
        var client = new MemobaseClient(new HttpClient(), options ?? new MemobaseClientOptions { BaseUrl = server.BaseUrl, Token = Token });
        var e = await Assert.ThrowsAsync<MemobaseException>(() => ClientCalls.Single[operation](client));
        Assert.Equal(operation, e.Operation);
        Assert.Contains(operation, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", e.ToString(), StringComparison.Ordinal);
        return e;
    }

    [Theory]
    [MemberData(nameof(NeedingData))]
    public async Task HTTP_200_without_data_for_a_call_that_needs_it_is_transient(string operation)
    {
        await using var server = new CannedHttpServer(200, """{"errno":0,"errmsg":"","data":null}""");
        var e = await Fails(server, operation);
        Assert.Equal((MemobaseErrorKind.Transient, (int?)200), (e.Kind, e.HttpStatus));
        Assert.Contains("no data", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("insert blob", """{"errno":0,"errmsg":"","data":"stored"}""", "BlobInsertData")]
    [InlineData("insert blob", """{"errno":0,"errmsg":"","data":{"chat_results":[]}}""", "'id'")]
    [InlineData("create user", """{"errno":0,"errmsg":"","data":{}}""", "'id'")]
    [InlineData("list blobs", """{"errno":0,"errmsg":"","data":{"ids":null}}""", "ids")]
    [InlineData("get context", """{"errno":0,"errmsg":"","data":{"context":null}}""", "context")]
    public async Task HTTP_200_with_data_of_another_shape_is_transient_and_names_what_is_wrong(string operation, string body, string named)
    {
        await using var server = new CannedHttpServer(200, body);
        var e = await Fails(server, operation);
        Assert.Equal((MemobaseErrorKind.Transient, (int?)200), (e.Kind, e.HttpStatus));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Every))]
    public async Task An_error_number_without_a_message_is_classified_by_its_number_for_every_call(string operation)
    {
        await using var server = new CannedHttpServer(200, """{"errno":500,"data":null}""");
        var e = await Fails(server, operation);
        Assert.Equal(((int?)200, (int?)500, ""), (e.HttpStatus, e.Errno, e.Errmsg));
        Assert.EndsWith("failed: errno 500: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NeedingData))]
    public async Task HTTP_200_with_data_of_the_wrong_kind_is_transient_for_every_call_that_needs_data(string operation)
    {
        await using var server = new CannedHttpServer(200, """{"errno":0,"errmsg":"","data":[42]}""");
        var e = await Fails(server, operation);
        Assert.Equal((MemobaseErrorKind.Transient, (int?)200, true), (e.Kind, e.HttpStatus, e.OutcomeUnknown));
    }

    [Theory]
    [MemberData(nameof(Every))]
    public async Task Invalid_JSON_or_an_HTML_page_with_HTTP_200_is_transient_for_every_call(string operation)
    {
        await using var broken = new CannedHttpServer(200, """{"errno":0,"data":{"id":""");
        await using var page = new CannedHttpServer(200, "<html><body>Welcome to the hotel network</body></html>", "text/html");
        Assert.Equal((MemobaseErrorKind.Transient, (int?)200), ((await Fails(broken, operation)).Kind, (await Fails(broken, operation)).HttpStatus));
        Assert.Equal(MemobaseErrorKind.Transient, (await Fails(page, operation)).Kind);
    }

    [Theory]
    [MemberData(nameof(Every))]
    public async Task An_unknown_errno_is_transient_for_every_call(string operation)
    {
        await using var server = new CannedHttpServer(200, """{"errno":418,"errmsg":"I'm a teapot","data":null}""");
        var e = await Fails(server, operation);
        Assert.Equal((MemobaseErrorKind.Transient, (int?)418), (e.Kind, e.Errno));
        Assert.Contains("errno 418: I'm a teapot", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Every))]
    public async Task A_404_from_something_that_is_not_Memobase_is_transient_for_every_call(string operation)
    {
        await using var server = new CannedHttpServer(404, "<html><body><h1>404 Not Found</h1><hr>nginx</body></html>", "text/html");
        var e = await Fails(server, operation);
        Assert.Equal((MemobaseErrorKind.Transient, (int?)404), (e.Kind, e.HttpStatus));
        Assert.Contains("proxy", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"errno":0,"data":""", "application/json")]
    [InlineData("null", "application/json")]
    [InlineData("[1, 2]", "application/json")]
    public async Task HTTP_200_that_is_not_the_envelope_is_transient(string body, string contentType)
    {
        await using var server = new CannedHttpServer(200, body, contentType);
        var e = await Fails(server, "get user");
        Assert.Equal((MemobaseErrorKind.Transient, (int?)200), (e.Kind, e.HttpStatus));
    }

    [Fact]
    public async Task An_HTML_page_with_HTTP_200_is_transient_shown_truncated_and_without_the_token()
    {
        var page = $"<html><body>Please sign in to the network. Your token {Token}.{new string(' ', 2000)}</body></html>";
        await using var server = new CannedHttpServer(200, page, "text/html");
        var e = await Fails(server, "insert blob");
        Assert.Equal(MemobaseErrorKind.Transient, e.Kind);
        Assert.Contains("<html>", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 800, e.Message);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(502)]
    public async Task A_token_the_server_echoes_where_the_shown_text_is_cut_is_removed_before_the_cut(int status)
    {
        await using var server = new CannedHttpServer(status, new string('x', 290) + Token, "text/plain");
        var e = await Fails(server, "get user");
        Assert.Contains("xxx***", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get profiles", """{"profiles":[null]}""")]
    [InlineData("get events", """{"events":[null]}""")]
    [InlineData("search events", """{"events":[null]}""")]
    public async Task A_list_holding_null_is_transient_not_a_null_for_the_caller(string operation, string data)
    {
        await using var server = new CannedHttpServer(200, $$"""{"errno":0,"errmsg":"","data":{{data}}}""");
        var e = await Fails(server, operation);
        Assert.Equal((MemobaseErrorKind.Transient, (int?)200), (e.Kind, e.HttpStatus));
    }

    [Fact]
    public async Task A_body_in_an_unknown_charset_is_transient_not_an_InvalidOperationException()
    {
        await using var server = new CannedHttpServer(200, """{"errno":0,"errmsg":"","data":{"id":"x"}}""", "application/json; charset=no-such-charset");
        var e = await Fails(server, "create user");
        Assert.Equal((MemobaseErrorKind.Transient, (int?)200), (e.Kind, e.HttpStatus));
    }

    [Theory]
    [InlineData(404, "404 page not found", "text/plain")]
    [InlineData(404, "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>",
        "text/html")]
    [InlineData(404, """{"message":"no Route matched with those values"}""", "application/json")]
    [InlineData(405, "<html><body><h1>405 Not Allowed</h1></body></html>", "text/html")]
    public async Task A_404_or_405_that_is_not_FastAPIs_JSON_is_a_proxy_in_the_way_so_transient(int status, string body, string contentType)
    {
        await using var server = new CannedHttpServer(status, body, contentType);
        var e = await Fails(server, "insert blob");
        Assert.Equal((MemobaseErrorKind.Transient, (int?)status), (e.Kind, e.HttpStatus));
        Assert.Contains("proxy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FastAPIs_405_for_a_wrong_method_is_configuration()
    {
        await using var server = new CannedHttpServer(405, """{"detail":"Method Not Allowed"}""");
        var e = await Fails(server, "insert blob");
        Assert.Equal((MemobaseErrorKind.Configuration, (int?)405), (e.Kind, e.HttpStatus));
    }

    [Theory]
    [InlineData("Retry-After: -5\r\n", null)]
    [InlineData("Retry-After: soon\r\n", null)]
    [InlineData("Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n", 0)]
    [InlineData("Retry-After: 99999999999999\r\n", null)]
    [InlineData("Retry-After: 2000000000\r\n", 3600)]
    [InlineData("Retry-After: 120\r\n", 120)]
    public async Task Retry_After_is_never_negative_nor_longer_than_MaxRetryAfter(string header, int? seconds)
    {
        await using var server = new CannedHttpServer(429, """{"detail":"Too Many Requests"}""", headers: header);
        var e = await Fails(server, "insert blob");
        Assert.Equal((MemobaseErrorKind.Transient, seconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null), (e.Kind, e.RetryAfter));
    }

    [Fact]
    public async Task MaxRetryAfter_bounds_a_date_far_ahead()
    {
        await using var server = new CannedHttpServer(503, "busy", "text/plain", "Retry-After: Fri, 31 Dec 9999 23:59:59 GMT\r\n");
        var e = await Fails(server, "insert blob",
            new MemobaseClientOptions { BaseUrl = server.BaseUrl, Token = Token, MaxRetryAfter = TimeSpan.FromMinutes(10) });
        Assert.Equal(TimeSpan.FromMinutes(10), e.RetryAfter);
    }

    [Fact]
    public async Task A_body_cut_while_being_read_is_an_unknown_outcome()
    {
        await using var server = new CannedHttpServer(200, """{"errno":0,"errmsg":"","data":{"id":"8d0b0c2e-3f5c-4b1a-9a55-0c3b6e1f2a44","chat_results":[]}}""",
            cutAfter: 20);
        var e = await Fails(server, "insert blob");
        Assert.Equal((MemobaseErrorKind.Transient, (int?)null, true), (e.Kind, e.HttpStatus, e.OutcomeUnknown));
    }

    [Fact]
    public void A_negative_MaxRetryAfter_is_refused() =>
        Assert.NotNull(new MemobaseClientOptions { Token = "t", MaxRetryAfter = TimeSpan.FromSeconds(-1) }.Validate());
}
