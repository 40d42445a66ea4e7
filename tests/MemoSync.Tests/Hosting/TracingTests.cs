using System.Diagnostics;
using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Hosting;
using MemoSync.Journal;
using MemoSync.Operations;
using MemoSync.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace MemoSync.Tests.Hosting;

/// <summary>
/// The spans of a turn, as an application's OpenTelemetry tracer exports them: recorded in the application's trace, each
/// delivery attempt a child of the recording (also when another process recorded it, from the context stored with the
/// turn), Memobase's requests under the attempt.
/// </summary>
public sealed class TracingTests : IDisposable
{
    private const string AppSource = "MemoSync.Tests.App";
    private static readonly ActivitySource App = new(AppSource);
    private readonly TempDirectory _dir = new();
    private readonly List<Activity> _exported = [];

    private IHost Build(string url)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MEMOBASE_URL"] = url, ["MEMOBASE_TOKEN"] = RunningEmulator.Token, ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"),
        });
        builder.Services.AddMemoSync(builder.Configuration);
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddSource(MemoSyncTracing.SourceName, AppSource, "System.Net.Http")
            .AddInMemoryExporter(_exported));
        return builder.Build();
    }

    /// <summary>The exported spans of <paramref name="trace"/> (other tests' spans are in traces of their own).</summary>
    private List<Activity> Spans(ActivityTraceId trace)
    {
        lock (_exported)
        {
            return _exported.Where(s => s.TraceId == trace).ToList();
        }
    }

    private static async Task UntilSyncedAsync(IHost host, int turns)
    {
        var engine = host.Services.GetRequiredService<DeliveryEngine>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (engine.Statistics.SyncedCount < turns)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Fact]
    public async Task A_turn_recorded_in_a_request_s_trace_is_delivered_in_the_same_trace_under_its_recording()
    {
        await using var server = await RunningEmulator.StartAsync();
        using var host = Build(server.Emulator.BaseAddress.ToString());
        await host.StartAsync();
        ActivityTraceId trace;
        Turn? turn;
        using (var request = App.StartActivity("POST /chat")!)
        {
            trace = request.TraceId;
            var recorder = host.Services.GetRequiredService<DialogueRecorderFactory>().Create("alice", "s1");
            recorder.AddUserMessage("question");
            recorder.AddAssistantMessage("answer");
            turn = await recorder.FinalizeTurnAsync();
        }
        await UntilSyncedAsync(host, 1);
        await host.StopAsync();

        var spans = Spans(trace);
        var request2 = Assert.Single(spans, s => s.OperationName == "POST /chat");
        var recorded = Assert.Single(spans, s => s.OperationName == "memosync.turn.record");
        var attempt = Assert.Single(spans, s => s.OperationName == "memosync.turn.deliver");
        Assert.Equal(request2.SpanId, recorded.ParentSpanId);
        Assert.Equal(recorded.SpanId, attempt.ParentSpanId);
        Assert.Equal(turn!.Id.ToString(), attempt.GetTagItem(MemoSyncTracing.TurnIdTag));
        Assert.Equal(ActivityStatusCode.Ok, attempt.Status);
        Assert.Contains(attempt.Events, e => e.Name == "memosync.synced");
        Assert.Contains(spans, s => s.Source.Name == "System.Net.Http" && s.ParentSpanId == attempt.SpanId);
    }

    [Fact]
    public async Task A_turn_recorded_by_another_process_is_delivered_here_in_the_trace_it_was_recorded_in()
    {
        var trace = ActivityTraceId.CreateRandom();
        var caller = ActivitySpanId.CreateRandom();
        // The recording application: its own process, no delivery engine, Memobase not even configured.
        string[] said;
        using (var recorder = new ProbeProcess("traced", _dir.File("memosync.db"), $"00-{trace}-{caller}-01"))
        {
            Assert.Equal(0, await recorder.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            said = Assert.Single(recorder.Lines, l => l.StartsWith("recorded ", StringComparison.Ordinal)).Split(' ');
        }

        await using var server = await RunningEmulator.StartAsync();
        using var host = Build(server.Emulator.BaseAddress.ToString());
        await host.StartAsync();
        await UntilSyncedAsync(host, 1);
        await host.StopAsync();

        var attempt = Assert.Single(Spans(trace), s => s.OperationName == "memosync.turn.deliver");
        Assert.Contains(attempt.Events, e => e.Name == "memosync.synced");
        Assert.NotEqual(caller.ToString(), said[1]);
        Assert.Equal(said[1], attempt.ParentSpanId.ToString());
        Assert.Equal(said[2], attempt.GetTagItem(MemoSyncTracing.TurnIdTag));
    }

    public void Dispose() => _dir.Dispose();
}
