using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemoSync.Dashboard.Tests;

/// <summary>The <see cref="DashboardListener"/> itself, in this process, over real HTTP on loopback.</summary>
public sealed class DashboardListenerTests
{
    [Fact]
    public async Task A_request_whose_handler_fails_is_answered_500_and_logged_and_the_listener_serves_the_next_ones()
    {
        // No journal among the services: every page that reads it fails, while the assets still need nothing.
        await using var services = new ServiceCollection().AddLogging(logging => logging.AddFakeLogging()).BuildServiceProvider();
        using var listener = new DashboardListener(new IPEndPoint(IPAddress.Loopback, 0), services);
        await listener.StartAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = listener.Root };

        Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync("users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("assets/dashboard.css")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync("dead")).StatusCode);

        var failures = services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 9005).Select(r => r.Message).ToList();
        Assert.Equal(["Dashboard: GET /memosync/users failed", "Dashboard: GET /memosync/dead failed"], failures);
    }

    [Fact]
    public async Task A_stopped_listener_takes_no_more_requests()
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        using var listener = new DashboardListener(new IPEndPoint(IPAddress.Loopback, 0), services);
        await listener.StartAsync(CancellationToken.None);
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = listener.Root };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("assets/dashboard.js")).StatusCode);

        await listener.StopAsync(CancellationToken.None);

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("assets/dashboard.js"));
    }

    [Fact]
    public async Task An_action_whose_form_is_larger_than_8_KiB_is_refused()
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        using var listener = new DashboardListener(new IPEndPoint(IPAddress.Loopback, 0), services, configure: o => o.Token = DashboardUnderTest.Token);
        await listener.StartAsync(CancellationToken.None);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = listener.Root };

        Assert.Equal(HttpStatusCode.SeeOther, (await SignInAsync(http, back: 100)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await SignInAsync(http, back: 9000)).StatusCode);
    }

    /// <summary>Signs in with the token, the form's <c>back</c> path padded to <paramref name="back"/> characters.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, int back)
    {
        var root = http.BaseAddress!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "login")
        {
            Content = new FormUrlEncodedContent([new("token", DashboardUnderTest.Token), new("back", root.AbsolutePath.PadRight(back, 'a'))]),
        };
        request.Headers.Add("Origin", root.GetLeftPart(UriPartial.Authority));
        return await http.SendAsync(request);
    }
}
