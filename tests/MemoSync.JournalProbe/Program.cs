using System.Diagnostics;
using MemoSync.Dialogue;
using MemoSync.Journal;
using MemoSync.Operations;
using MemoSync.Memobase.Models;

// Drives a journal from its own process so tests can kill it, or run two at once, for real. DB is a journal
// location: a SQLite file or a PostgreSQL URL (see JournalLocation).
//   append DB WRITERS          appends turns from WRITERS tasks forever; prints each id once its append returned
//   record DB PREFIX USERS TURNS PAUSE_MS
//                              a recording application: TURNS turns one after another, for users PREFIX-0 … PREFIX-(USERS-1)
//                              in turn, PAUSE_MS apart; prints each id once its append returned, then "done"
//   claim DB OWNER LEASE_MS    says "ready", waits for the file DB.go, then claims batches and, for each turn, takes a
//                              millisecond (a delivery to a fast Memobase) and marks it synced, until none is due;
//                              prints "OWNER ID" per claim
//   hold DB OWNER LEASE_MS     claims one batch, prints its ids, then waits to be killed
//   traced DB TRACEPARENT      records one turn of alice with DialogueRecorder inside a span whose parent is TRACEPARENT,
//                              and no delivery engine; prints "recorded SPAN_ID TURN_ID", SPAN_ID that of memosync.turn.record
var (mode, path) = (args[0], args[1]);
await using var journal = JournalLocation.Parse(path).Open();
var output = Console.Out;
var gate = new Lock();
void Say(string line)
{
    lock (gate)
    {
        output.WriteLine(line);
        output.Flush();
    }
}

switch (mode)
{
    case "append":
        Say("ready");
        await Task.WhenAll(Enumerable.Range(0, int.Parse(args[2])).Select(w => Task.Run(async () =>
        {
            for (var i = 0; ; i++)
            {
                var turn = Turn.Create($"writer-{w}", null, [new(ChatMessage.UserRole, $"turn {i}"), new(ChatMessage.AssistantRole, "ok")], TimeProvider.System);
                await journal.AppendAsync(turn);
                Say(turn.Id.ToString());
            }
        })));
        break;
    case "record":
        var (prefix, users, turns, pause) = (args[2], int.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]));
        Say("ready");
        for (var i = 0; i < turns; i++)
        {
            var turn = Turn.Create($"{prefix}-{i % users}", $"{prefix}-session", [new(ChatMessage.UserRole, $"turn {i}"), new(ChatMessage.AssistantRole, "ok")], TimeProvider.System);
            await journal.AppendAsync(turn);
            Say(turn.Id.ToString());
            await Task.Delay(pause);
        }
        Say("done");
        break;
    case "claim":
        var lease = TimeSpan.FromMilliseconds(int.Parse(args[3]));
        Say("ready");
        while (!File.Exists(path + ".go"))
        {
            await Task.Delay(5);
        }
        for (var idle = 0; idle < 20;)
        {
            var claimed = (await journal.ClaimDueAsync(50, new TurnLease(args[2], lease))).Turns;
            idle = claimed.Count == 0 ? idle + 1 : 0;
            if (claimed.Count == 0)
            {
                // The other process may hold the turns ahead of the rest: give it time before deciding none is due.
                await Task.Delay(10);
            }
            foreach (var entry in claimed)
            {
                Say($"claimed {args[2]} {entry.Turn.Id}");
                // A writer that never pauses keeps the file's write lock against a process backing off in SQLite's
                // busy handler (up to 100 ms a try); a delivery's round trip is the pause a real worker has.
                await Task.Delay(1);
                await journal.MarkSyncedAsync(entry.Turn.Id, args[2], null);
            }
        }
        break;
    case "hold":
        foreach (var entry in (await journal.ClaimDueAsync(100, new TurnLease(args[2], TimeSpan.FromMilliseconds(int.Parse(args[3]))))).Turns)
        {
            Say(entry.Turn.Id.ToString());
        }
        Say("held");
        await Task.Delay(Timeout.Infinite);
        break;
    case "traced":
        using (var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MemoSyncTracing.SourceName or "MemoSync.JournalProbe",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        })
        {
            ActivitySource.AddActivityListener(listener);
            using var source = new ActivitySource("MemoSync.JournalProbe");
            using var request = source.StartActivity("request", ActivityKind.Server, ActivityContext.Parse(args[2], null))!;
            ActivitySpanId recording = default;
            listener.ActivityStopped = activity => recording = activity.OperationName == "memosync.turn.record" ? activity.SpanId : recording;
            var recorder = new DialogueRecorder(journal, null, "alice", "s1", TimeProvider.System);
            recorder.AddUserMessage("question");
            recorder.AddAssistantMessage("answer");
            var recorded = await recorder.FinalizeTurnAsync();
            Say($"recorded {recording} {recorded!.Id}");
        }
        break;
    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}
return 0;
