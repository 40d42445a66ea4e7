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

namespace MemoSync.Tests.Hosting;

/// <summary>
/// The spans of a turn: recorded in the application's trace, each delivery attempt a child of the recording (also when
/// another engine delivers it later, from the context stored with the turn), Memobase's requests under the attempt.
/// </summary>
public sealed class TracingTests : IDisposable
{
    private static readonly ActivitySource App = new("MemoSync.Tests.App");
    private readonly TempDirectory _dir = new();
    private readonly List<Activity> _spans = [];
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MemoSyncTracing.SourceName or "MemoSync.Tests.App" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_spans)
                {
                    _spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private IHost Build(string url)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MEMOBASE_URL"] = url, ["MEMOBASE_TOKEN"] = RunningEmulator.Token, ["MEMOSYNC_JOURNAL"] = _dir.File("memosync.db"),
        });
        builder.Services.AddMemoSync(builder.Configuration);
        return builder.Build();
    }

    /// <summary>The spans of <paramref name="trace"/> so far (other tests' spans run in their own traces).</summary>
    private List<Activity> Spans(ActivityTraceId trace)
    {
        lock (_spans)
        {
            return _spans.Where(s => s.TraceId == trace).ToList();
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
    public async Task A_turn_delivered_later_by_another_engine_continues_the_trace_it_was_recorded_in()
    {
        ActivityTraceId trace;
        ActivitySpanId recording;
        // Recorded while Memobase is away and no engine runs: the turn waits in the journal with its trace.
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") }))
        {
            using var request = App.StartActivity("POST /chat")!;
            trace = request.TraceId;
            var recorder = new DialogueRecorder(journal, null, "alice", "s1", TimeProvider.System);
            recorder.AddUserMessage("question");
            recorder.AddAssistantMessage("answer");
            await recorder.FinalizeTurnAsync();
            recording = Assert.Single(Spans(trace), s => s.OperationName == "memosync.turn.record").SpanId;
        }

        await using var server = await RunningEmulator.StartAsync();
        using var host = Build(server.Emulator.BaseAddress.ToString());
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<DeliveryEngine>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (engine.Statistics.SyncedCount < 1)
        {
            await Task.Delay(20, deadline.Token);
        }
        await host.StopAsync();

        var attempt = Assert.Single(Spans(trace), s => s.OperationName == "memosync.turn.deliver");
        Assert.Equal(recording, attempt.ParentSpanId);
        Assert.Contains(attempt.Events, e => e.Name == "memosync.synced");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _dir.Dispose();
    }
}
