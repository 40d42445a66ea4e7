using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MemoSync.Dialogue;
using MemoSync.Journal;
using MemoSync.Realtime;
using MemoSync.TestSupport;

namespace MemoSync.Tests.Realtime;

/// <summary>
/// Realtime server events the protocol never sends (fields of the wrong kind, numbers out of range, broken JSON) read and
/// assembled into turns over a real SQLite journal: nothing but a <see cref="RealtimeProtocolException"/> ever escapes.
/// </summary>
public sealed class RealtimeEventFuzzTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Types =
    [
        RealtimeEventTypes.InputAudioCommitted, RealtimeEventTypes.InputTranscriptionCompleted, RealtimeEventTypes.InputTranscriptionFailed,
        RealtimeEventTypes.SpeechStarted, RealtimeEventTypes.ResponseCreated, RealtimeEventTypes.AudioTranscriptDelta, RealtimeEventTypes.TextDelta,
        RealtimeEventTypes.AudioDelta, RealtimeEventTypes.ItemTruncated, RealtimeEventTypes.Error, RealtimeEventTypes.ResponseDone,
        "response.output_audio.delta", "response.output_text.delta", "no.such.event",
    ];

    private static readonly string[] Fields =
        ["response_id", "item_id", "delta", "transcript", "text", "audio_end_ms", "response", "item", "error", "status", "status_details", "reason"];

    /// <summary>A JSON value of any kind, the odd ones most often: numbers past int, fractions, negatives, nesting.</summary>
    private static Gen<string> Value(int depth) => Gen.OneOf(
    [
        Gen.Elements("null", "true", "\"\"", "\"r1\"", "\"==\"", "\"QUJD\"", "\"=\"", "1.5", "-5", "0", "1e30", "2147483648", "-2147483649", "[]", "{}",
            "\"completed\"", "\"cancelled\"", "\"failed\"", "\"turn_detected\"", "\"\\u0000\"", "\"   \""),
        ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => System.Text.Json.JsonSerializer.Serialize(s.Get)),
        .. depth > 0 ? new[] { Object(depth - 1) } : [],
    ]);

    private static Gen<string> Object(int depth) =>
        from fields in Gen.ListOf(Gen.Elements(Fields).Zip(Value(depth)))
        select "{" + string.Join(",", fields.Select(f => $"\"{f.Item1}\":{f.Item2}")) + "}";

    private static Gen<string> Event =>
        from type in Gen.Elements(Types)
        from body in Object(2)
        select body.Length == 2 ? $"{{\"type\":\"{type}\"}}" : $"{{\"type\":\"{type}\",{body[1..]}";

    /// <summary>A session's worth of events, some of them bytes mutated from an event or not JSON at all.</summary>
    private static Arbitrary<byte[][]> Sessions => Gen.ArrayOf(Gen.OneOf(
            Event.Select(Encoding.UTF8.GetBytes),
            Event.SelectMany(e => Fuzzing.BytesNear(Encoding.UTF8.GetBytes(e)).Generator)))
        .ToArbitrary();

    [Fact]
    public async Task Any_server_event_is_read_and_assembled_or_refused_as_a_protocol_error()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
        Fuzzing.Check(Sessions, messages =>
        {
            var assembler = new RealtimeTurnAssembler(new DialogueRecorder(journal, null, "alice", "voice-1", TimeProvider.System));
            foreach (var message in messages)
            {
                RealtimeServerEvent e;
                try
                {
                    e = RealtimeServerEvent.Parse(message);
                }
                catch (RealtimeProtocolException)
                {
                    continue;
                }
                _ = (e.ResponseId, e.ItemId, e.Delta, e.Transcript, e.ResponseStatus, e.StatusReason, e.AudioEndMs, e.ErrorDescription);
                assembler.ObserveAsync(e).GetAwaiter().GetResult();
            }
            assembler.ConnectionLostAsync().GetAwaiter().GetResult();
        });
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("2147483648")]
    [InlineData("-40")]
    public void A_truncation_whose_audio_end_is_not_a_millisecond_count_is_ignored(string audioEndMs)
    {
        var e = RealtimeServerEvent.Parse(Encoding.UTF8.GetBytes($$"""{"type":"conversation.item.truncated","item_id":"i1","audio_end_ms":{{audioEndMs}}}"""));
        Assert.Null(e.AudioEndMs);
    }

    [Fact]
    public void An_event_whose_bytes_are_not_UTF_8_is_a_protocol_error_not_an_InvalidOperationException()
    {
        byte[] message = [.. """{"type":"response.text.delta","delta":" """u8, 0xE5, .. "\"}"u8];
        var e = Assert.Throws<RealtimeProtocolException>(() => RealtimeServerEvent.Parse(message));
        Assert.Contains("not UTF-8", e.Message, StringComparison.Ordinal);
    }
}
