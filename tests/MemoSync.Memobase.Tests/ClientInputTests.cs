using MemoSync.Memobase.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemoSync.Memobase.Tests;

/// <summary>Bad input is refused before any request: every client here points at a closed port, so a send would fail differently.</summary>
public class ClientInputTests
{
    private static readonly string Closed = $"http://127.0.0.1:{TestSupport.LoopbackPort.Unused()}/";
    private static readonly MemobaseClient Client = ErrorClassificationTests.ClientFor(Closed, "secret");
    private static readonly MemobaseUserId User = MemobaseUserId.FromName("input-test");

    [Theory]
    [InlineData("localhost:8019", "absolute http:// or https:// URL")]
    [InlineData("ftp://localhost:8019/", "absolute http:// or https:// URL")]
    [InlineData("", "absolute http:// or https:// URL")]
    public void A_URL_without_an_http_scheme_is_refused(string url, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => ErrorClassificationTests.ClientFor(url, "secret"));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_token_is_refused(string token)
    {
        var e = Assert.Throws<ArgumentException>(() => ErrorClassificationTests.ClientFor(Closed, token));
        Assert.Contains("Token is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_the_server_would_refuse_is_refused_before_sending()
    {
        var role = await Assert.ThrowsAsync<ArgumentException>(() =>
            Client.InsertChatBlobAsync(User, [new ChatMessage("system", "be nice")]));
        Assert.Contains("messages[0].role must be 'user' or 'assistant', got 'system'", role.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Client.InsertChatBlobAsync(User, []));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.ListBlobIdsAsync(User, "video"));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetBufferCapacityAsync(User, BlobType.Chat, "stuck"));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.AddProfileAsync(User, "", "interest", "sports"));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.SearchEventsAsync(User, " "));
    }

    [Theory]
    [InlineData("http://localhost:8019", "http://localhost:8019/api/v1/")]
    [InlineData("http://localhost:8019/", "http://localhost:8019/api/v1/")]
    [InlineData("http://localhost:8019/api/v1", "http://localhost:8019/api/v1/")]
    [InlineData("https://memobase.example/base/api/v1/", "https://memobase.example/base/api/v1/")]
    public void The_server_root_and_the_API_root_are_both_accepted(string url, string apiRoot) =>
        Assert.Equal(new Uri(apiRoot), ErrorClassificationTests.ClientFor(url, "secret").ApiRoot);

    [Fact]
    public void Registered_options_are_validated_with_the_reason()
    {
        using var services = new ServiceCollection()
            .AddMemobaseClient(o => { o.BaseUrl = "localhost:8019"; o.Token = "secret"; })
            .Services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MemobaseClientOptions>>().Value);
        Assert.Contains("absolute http:// or https:// URL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registered_client_comes_from_the_http_client_factory_with_the_handlers_chained_onto_it()
    {
        await using var server = await TestSupport.RunningEmulator.StartAsync();
        var counter = new CountingHandler();
        using var services = new ServiceCollection()
            .AddMemobaseClient(o => { o.BaseUrl = server.Emulator.BaseAddress.ToString(); o.Token = TestSupport.RunningEmulator.Token; })
            .AddHttpMessageHandler(() => counter)
            .Services.BuildServiceProvider();
        await services.GetRequiredService<IMemobaseClient>().HealthCheckAsync();
        Assert.Equal(1, counter.Requests);
    }

    [Fact]
    public void A_registered_client_renews_its_connections_though_a_singleton_keeps_it_for_good()
    {
        using var services = new ServiceCollection()
            .AddMemobaseClient(o => { o.BaseUrl = "http://127.0.0.1:8019/"; o.Token = "secret"; })
            .Services.BuildServiceProvider();
        HttpMessageHandler? handler = services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(nameof(IMemobaseClient));
        while (handler is DelegatingHandler outer)
        {
            handler = outer.InnerHandler;
        }
        Assert.Equal(MemobaseServiceCollectionExtensions.ConnectionLifetime, Assert.IsType<SocketsHttpHandler>(handler).PooledConnectionLifetime);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_registered_client_logs_no_line_per_request_unless_the_application_asks(bool defaultLogger)
    {
        await using var server = await TestSupport.RunningEmulator.StartAsync();
        var client = new ServiceCollection()
            .AddLogging(b => b.AddFakeLogging().SetMinimumLevel(LogLevel.Trace))
            .AddMemobaseClient(o => { o.BaseUrl = server.Emulator.BaseAddress.ToString(); o.Token = TestSupport.RunningEmulator.Token; });
        if (defaultLogger)
        {
            client.AddDefaultLogger();
        }
        using var services = client.Services.BuildServiceProvider();
        await services.GetRequiredService<IMemobaseClient>().HealthCheckAsync();
        var requestLines = services.GetFakeLogCollector().GetSnapshot().Count(r => r.Category?.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) == true);
        Assert.Equal(defaultLogger, requestLines > 0);
    }

    /// <summary>A handler an application chains onto the client's HttpClient: it passes each request on and counts it.</summary>
    private sealed class CountingHandler : DelegatingHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
