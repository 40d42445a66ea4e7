using System.Diagnostics;
using MemoSync.Journal;

namespace MemoSync.Operations;

/// <summary>
/// MemoSync's spans on the <see cref="ActivitySource"/> <see cref="SourceName"/>: <c>memosync.turn.record</c> when a turn is
/// recorded, then one <c>memosync.turn.deliver</c> per delivery attempt, a child of the recording even when another process
/// delivers it later (the recording's context is stored with the turn, <see cref="Turn.TraceParent"/>); a delivered turn's
/// attempt ends with the event <c>memosync.synced</c>. Memobase's HTTP requests nest under the attempt.
/// </summary>
public static class MemoSyncTracing
{
    /// <summary>The source's name, to add to a tracer (<c>AddSource("MemoSync")</c>).</summary>
    public const string SourceName = "MemoSync";

    /// <summary>The tag holding the turn's id.</summary>
    public const string TurnIdTag = "memosync.turn.id";

    /// <summary>The tag holding the attempt's number within one delivery (1 for the first quick attempt).</summary>
    public const string AttemptTag = "memosync.attempt";

    /// <summary>The tag holding the Memobase blob a synced turn became.</summary>
    public const string BlobIdTag = "memosync.blob.id";

    private static readonly ActivitySource Source = new(SourceName, typeof(MemoSyncTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of a recording, when anyone listens; the turn takes the current trace's context either way.</summary>
    internal static Activity? StartRecording() => Source.StartActivity("memosync.turn.record", ActivityKind.Producer);

    /// <summary><paramref name="turn"/> carrying the current trace's context (the recording span's, when there is one).</summary>
    internal static Turn InCurrentTrace(Turn turn) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? turn with { TraceParent = current.Id } : turn;

    /// <summary>Starts the span of one delivery attempt of <paramref name="turn"/>, continuing the trace it was recorded in.</summary>
    internal static Activity? StartAttempt(Turn turn, int attempt)
    {
        ActivityContext.TryParse(turn.TraceParent, null, out var recorded);
        var activity = Source.StartActivity("memosync.turn.deliver", ActivityKind.Client, recorded);
        activity?.SetTag(TurnIdTag, turn.Id.ToString()).SetTag(AttemptTag, attempt);
        return activity;
    }

    /// <summary>Ends an attempt that stored the turn as <paramref name="blobId"/>.</summary>
    internal static void Synced(Activity? attempt, Guid blobId)
    {
        attempt?.SetTag(BlobIdTag, blobId.ToString()).AddEvent(new ActivityEvent("memosync.synced")).SetStatus(ActivityStatusCode.Ok);
    }

    /// <summary>Ends an attempt that did not store the turn, saying why.</summary>
    internal static void Failed(Activity? attempt, string why) => attempt?.SetStatus(ActivityStatusCode.Error, why);
}
