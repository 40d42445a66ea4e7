using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MemoSync.TestSupport;

namespace MemoSync.Emulator.Tests;

/// <summary>Each fault mode does what it says, set at start or changed at run time.</summary>
public class FaultInjectionTests : RawApiTest
{
    private static async Task<Exception?> Failure(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (HttpRequestException e)
        {
            return e;
        }
    }

    [Fact]
    public async Task Fixed_latency_delays_every_API_answer()
    {
        Server.Emulator.Faults = new FaultSettings { LatencyMinMs = 200, LatencyMaxMs = 200 };
        var watch = Stopwatch.StartNew();
        await Send(HttpMethod.Get, $"users/{Guid.NewGuid()}");
        Assert.True(watch.ElapsedMilliseconds >= 200 - TimerSlack.EarlyMs, $"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_latency_range_draws_delays_within_it()
    {
        Server.Emulator.Faults = new FaultSettings { LatencyMinMs = 50, LatencyMaxMs = 150, Seed = 3 };
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            await Send(HttpMethod.Get, $"users/{Guid.NewGuid()}");
            Assert.InRange(watch.ElapsedMilliseconds, 50 - TimerSlack.EarlyMs, 2000);
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task An_HTTP_error_rate_answers_that_share_of_requests_with_the_error(int status)
    {
        Server.Emulator.Faults = status switch
        {
            500 => new FaultSettings { Http500Rate = 0.3, Seed = 42 },
            503 => new FaultSettings { Http503Rate = 0.3, Seed = 42 },
            _ => new FaultSettings { Http429Rate = 0.3, RetryAfterSeconds = 5, Seed = 42 },
        };
        var statuses = new List<int>();
        for (var i = 0; i < 200; i++)
        {
            var (code, _, response) = await Send(HttpMethod.Get, $"users/{Guid.NewGuid()}");
            statuses.Add(code);
            if (code == 429)
            {
                Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            }
        }
        Assert.InRange(statuses.Count(s => s == status), 40, 80);
        Assert.Equal(200, statuses.Count(s => s == status || s == 200));
    }

    [Fact]
    public async Task An_errno_500_rate_answers_HTTP_200_with_the_unknown_error_envelope()
    {
        Server.Emulator.Faults = new FaultSettings { Errno500Rate = 1 };
        var (status, body, _) = await Send(HttpMethod.Get, $"users/{Guid.NewGuid()}");
        Assert.Equal((200, 500), (status, (int)body!["errno"]!));
        Assert.StartsWith("Sorry, we have encountered an unknown error", (string)body["errmsg"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reject_rate_refuses_blob_inserts_as_unparsable_and_stores_nothing()
    {
        var user = await CreateUser();
        Server.Emulator.Faults = new FaultSettings { RejectRate = 1 };
        var (status, body, _) = await Send(HttpMethod.Post, $"blobs/insert/{user}", Chat("hi", turnId: "t1"));
        Assert.Equal((200, 400), (status, (int)body!["errno"]!));
        Assert.StartsWith("Unable to parse blob", (string)body["errmsg"]!, StringComparison.Ordinal);
        Assert.Equal(200, (await Send(HttpMethod.Get, $"users/{user}")).Status);
        Assert.Empty(Server.Emulator.GetStats().Users);
    }

    [Fact]
    public async Task A_drop_rate_cuts_the_connection_before_any_answer()
    {
        Server.Emulator.Faults = new FaultSettings { DropRate = 1 };
        Assert.IsType<HttpRequestException>(await Failure(() => Send(HttpMethod.Get, $"users/{Guid.NewGuid()}")));
    }

    [Fact]
    public async Task A_lost_answer_stores_the_blob_then_cuts_the_connection()
    {
        var user = await CreateUser();
        Server.Emulator.Faults = new FaultSettings { LostAnswerRate = 1 };
        Assert.IsType<HttpRequestException>(await Failure(() => Send(HttpMethod.Post, $"blobs/insert/{user}", Chat("hi", turnId: "t-lost"))));
        Server.Emulator.Faults = new FaultSettings();

        var ids = (await Send(HttpMethod.Get, $"users/blobs/{user}/chat")).Body!["data"]!["ids"]!.AsArray();
        Assert.Single(ids);
        Assert.Equal(1, Assert.Single(Server.Emulator.GetStats().Users).BlobsReceived);
    }

    [Fact]
    public async Task An_outage_cuts_everything_including_the_healthcheck_until_it_ends()
    {
        Server.Emulator.Faults = new FaultSettings { Outage = true };
        Assert.IsType<HttpRequestException>(await Failure(() => Send(HttpMethod.Get, "healthcheck")));
        Assert.IsType<HttpRequestException>(await Failure(() => Send(HttpMethod.Get, $"users/{Guid.NewGuid()}")));
        Server.Emulator.Faults = new FaultSettings();
        Assert.Equal(200, (await Send(HttpMethod.Get, "healthcheck")).Status);
    }

    [Fact]
    public async Task Faults_leave_the_healthcheck_alone_outside_an_outage()
    {
        Server.Emulator.Faults = new FaultSettings { Http500Rate = 1 };
        Assert.Equal(200, (await Send(HttpMethod.Get, "healthcheck")).Status);
    }

    [Fact]
    public async Task Faults_are_read_and_changed_at_run_time_through_the_admin_endpoint()
    {
        using var put = Server.Request(HttpMethod.Put, "../../_emulator/faults", """{"http503_rate":1,"retry_after_seconds":3}""");
        var response = await Server.Http.SendAsync(put);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(503, (await Send(HttpMethod.Get, $"users/{Guid.NewGuid()}")).Status);

        using var get = Server.Request(HttpMethod.Get, "../../_emulator/faults");
        var current = await (await Server.Http.SendAsync(get)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(1.0, (double)current!["http503_rate"]!);

        using var reset = Server.Request(HttpMethod.Post, "../../_emulator/faults/reset");
        await Server.Http.SendAsync(reset);
        Assert.Equal(200, (await Send(HttpMethod.Get, $"users/{Guid.NewGuid()}")).Status);
    }

    [Theory]
    [InlineData("""{"drop_rate":1.5}""", "drop_rate must be between 0 and 1")]
    [InlineData("""{"latency_min_ms":100,"latency_max_ms":10}""", "below latency_min_ms")]
    [InlineData("""{"http500_rate":0.6,"http503_rate":0.6}""", "add up to more than 1")]
    [InlineData("{oops", "not valid JSON")]
    public async Task Invalid_faults_are_refused_with_the_reason(string json, string reason)
    {
        using var put = Server.Request(HttpMethod.Put, "../../_emulator/faults", json);
        var response = await Server.Http.SendAsync(put);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(new FaultSettings(), Server.Emulator.Faults);
    }

    [Fact]
    public async Task The_admin_endpoints_need_the_token()
    {
        using var http = new HttpClient();
        Assert.Equal(401, (int)(await http.GetAsync(new Uri(Server.Emulator.BaseAddress, "_emulator/stats"))).StatusCode);
    }
}
