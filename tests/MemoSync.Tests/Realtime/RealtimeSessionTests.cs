using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Emulator.Chat;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Memobase.Models;
using MemoSync.Realtime;
using MemoSync.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemoSync.Tests.Realtime;

/// <summary>
/// The realtime client and the turn assembler over a real WebSocket on loopback, against the emulator's scripted
/// realtime endpoint; the turns go through the journal and the delivery engine to the emulator's Memobase.
/// </summary>
public sealed class RealtimeSessionTests : IAsyncLifetime
{
    private const string User = "alice";
    private const string LongAnswer = "Sunday tennis is a fine habit and the courts by the river open at eight";
    private readonly TempDirectory _dir = new();
    private readonly DeliveryOptions _delivering = new() { RetryDelay = TimeSpan.FromMilliseconds(10) };
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private RunningEmulator _server = null!;
    private SqliteJournal _journal = null!;
    private DeliveryEngine _worker = null!;
    private RealtimeTurnAssembler _assembler = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningEmulator.StartAsync(o => o.PersistentChatBlobs = true);
        _journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
        var delivery = new TurnDelivery(_server.Client, _journal, _delivering, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
        _worker = new DeliveryEngine(_journal, delivery, _delivering, TimeProvider.System, NullLogger<DeliveryEngine>.Instance);
        _worker.Start();
        _assembler = new RealtimeTurnAssembler(new DialogueRecorder(_journal, _worker, User, "voice-1", TimeProvider.System));
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        await _journal.DisposeAsync();
        await _server.DisposeAsync();
        _timeout.Dispose();
        _dir.Dispose();
    }

    private RealtimeOptions Options => new()
    {
        Endpoint = new Uri(_server.Emulator.BaseAddress, "v1/realtime"), Model = "scripted", ApiKey = "sk-test-key", ReconnectDelay = TimeSpan.FromMilliseconds(20),
    };

    private Task<RealtimeConnection> ConnectAsync() => RealtimeConnection.ConnectAsync(Options, ct: _timeout.Token);

    /// <summary>Reads events into the assembler until it records a turn or the connection ends; <paramref name="seen"/> sees each event first.</summary>
    private async Task<Turn?> ReadTurnAsync(RealtimeConnection connection, Func<RealtimeServerEvent, Task>? seen = null)
    {
        try
        {
            await foreach (var e in connection.ReadEventsAsync(_timeout.Token))
            {
                if (seen is not null)
                {
                    await seen(e);
                }
                if (await _assembler.ObserveAsync(e, _timeout.Token) is { } turn)
                {
                    return turn;
                }
            }
        }
        catch (RealtimeConnectionException)
        {
            // Dropped: what was said is recorded below.
        }
        return await _assembler.ConnectionLostAsync(_timeout.Token);
    }

    private async Task<Turn?> AskAsync(RealtimeConnection connection, string said, Func<RealtimeServerEvent, Task>? seen = null)
    {
        _assembler.UserSaid(said);
        await connection.AddUserTextAsync(said, _timeout.Token);
        await connection.CreateResponseAsync(_timeout.Token);
        return await ReadTurnAsync(connection, seen);
    }

    /// <summary>What Memobase received for the user, in order: each blob's messages and the interruption its fields name.</summary>
    private async Task<List<(string Messages, string? Interrupted)>> DeliveredAsync(int expected)
    {
        await _server.WaitForBlobsAsync(expected, TimeSpan.FromSeconds(10));
        var id = MemobaseUserId.FromName(User);
        var delivered = new List<(string, string?)>();
        foreach (var blobId in await _server.Client.ListBlobIdsAsync(id, BlobType.Chat, 0, 100))
        {
            var blob = await _server.Client.GetBlobAsync(id, blobId);
            delivered.Add((string.Join("|", blob.BlobData["messages"]!.AsArray().Select(m => $"{m!["role"]}: {m["content"]}")), (string?)blob.Fields?["memosync_interrupted"]));
        }
        return delivered;
    }

    /// <summary>The journal's turns, in the same shape as <see cref="DeliveredAsync"/>.</summary>
    private async Task<List<(string Messages, string? Interrupted)>> JournaledAsync() =>
        (await _journal.ListAsync(null, 100)).Select(e => (string.Join("|", e.Turn.Messages.Select(m => $"{m.Role}: {m.Content}")), e.Turn.Interruption?.Name())).ToList();

    private static string Heard(int words) => string.Join(" ", LongAnswer.Split(' ').Take(words));

    [Fact]
    public async Task Text_turns_record_the_question_and_the_whole_answer_and_reach_Memobase_once_each()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Nice to meet you, Alice.", "Tennis on Sunday sounds great."] };
        await using var connection = await ConnectAsync();
        await connection.UpdateSessionAsync("You are a helpful assistant.", audio: false, _timeout.Token);

        var first = await AskAsync(connection, "Hi, I am Alice.");
        var second = await AskAsync(connection, "I play tennis on Sundays.");

        Assert.Equal(["user: Hi, I am Alice.", "assistant: Nice to meet you, Alice."], first!.Messages.Select(m => $"{m.Role}: {m.Content}"));
        Assert.Null(second!.Interruption);
        var journaled = await JournaledAsync();
        Assert.Equal([("user: Hi, I am Alice.|assistant: Nice to meet you, Alice.", null), ("user: I play tennis on Sundays.|assistant: Tennis on Sunday sounds great.", null)], journaled);
        Assert.Equal(journaled, await DeliveredAsync(2));
        Assert.Equal((2L, 0L), (_server.Emulator.GetStats().BlobsReceived, _server.Emulator.GetStats().Duplicates));
        Assert.All(_server.Emulator.GetRealtimeResponses(), r => Assert.Equal("You are a helpful assistant.", r.Instructions));
    }

    [Fact]
    public async Task A_spoken_turn_records_the_transcript_of_the_persons_audio_and_the_answers_transcript_with_its_audio()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Yes, I do."], Transcripts = ["Do you remember my name?"] };
        await using var connection = await ConnectAsync();
        await connection.UpdateSessionAsync("Be brief.", audio: true, _timeout.Token);
        var second = new byte[48_000];
        await connection.AppendAudioAsync(second, _timeout.Token);
        await connection.CommitAudioAsync(_timeout.Token);
        await connection.CreateResponseAsync(_timeout.Token);

        long audioBytes = 0;
        var turn = await ReadTurnAsync(connection, e =>
        {
            audioBytes += e.Type == RealtimeEventTypes.AudioDelta ? Convert.FromBase64String(e.Delta!).Length : 0;
            return Task.CompletedTask;
        });

        Assert.Equal(["user: Do you remember my name?", "assistant: Yes, I do."], turn!.Messages.Select(m => $"{m.Role}: {m.Content}"));
        Assert.Equal(3 * 200 * 48, audioBytes);
        Assert.Equal(await JournaledAsync(), await DeliveredAsync(1));
    }

    [Fact]
    public async Task A_person_speaking_over_the_answer_keeps_only_what_was_said_before_and_the_turn_says_so()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = [LongAnswer], ChunkDelayMs = 30 };
        await using var connection = await ConnectAsync();
        var words = 0;

        // No session.update: the server's own voice detection is on, so audio during the answer is the person speaking.
        var turn = await AskAsync(connection, "Any tips for tennis?", async e =>
        {
            if (e.Type == RealtimeEventTypes.AudioTranscriptDelta && ++words == 4)
            {
                await connection.AppendAudioAsync(new byte[4800], _timeout.Token);
            }
        });

        var heard = _server.Emulator.GetRealtimeResponses().Single();
        Assert.Equal(ChatOutcome.Interrupted, heard.Outcome);
        Assert.StartsWith(Heard(4), heard.Sent, StringComparison.Ordinal);
        Assert.Equal(TurnInterruption.UserSpoke, turn!.Interruption);
        Assert.Equal(heard.Sent, turn.Messages[1].Content);
        Assert.Equal([("user: Any tips for tennis?|assistant: " + heard.Sent, "user_spoke")], await DeliveredAsync(1));
    }

    [Fact]
    public async Task A_scripted_interruption_and_a_cancel_with_truncation_keep_what_the_listener_heard()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = [LongAnswer], ChunkDelayMs = 20, InterruptRate = 1 };
        await using var connection = await ConnectAsync();
        var interrupted = await AskAsync(connection, "Tell me about tennis.");

        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = [LongAnswer], ChunkDelayMs = 30 };
        var audioDeltas = 0;
        var truncated = await AskAsync(connection, "And about the courts?", async e =>
        {
            if (e.Type == RealtimeEventTypes.AudioDelta && ++audioDeltas == 5)
            {
                // The speaker played three words (200 ms each) when the person pressed stop.
                _assembler.PlayedUpTo(3 * 200);
                await connection.CancelResponseAsync(_timeout.Token);
                await connection.TruncateAsync(e.ItemId!, 3 * 200, _timeout.Token);
            }
        });

        Assert.Equal((TurnInterruption.UserSpoke, Heard(LongAnswer.Split(' ').Length / 2)), (interrupted!.Interruption, interrupted.Messages[1].Content));
        Assert.Equal((TurnInterruption.Cancelled, Heard(3)), (truncated!.Interruption, truncated.Messages[1].Content));
        Assert.Equal([ChatOutcome.Interrupted, ChatOutcome.Cancelled], _server.Emulator.GetRealtimeResponses().Select(r => r.Outcome));
        Assert.Equal(await JournaledAsync(), await DeliveredAsync(2));
    }

    [Fact]
    public async Task An_error_event_ends_the_answer_as_failed_and_the_persons_words_are_still_recorded()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { ErrorRate = 1 };
        await using var connection = await ConnectAsync();
        string? error = null;

        var turn = await AskAsync(connection, "Remember that I moved to Lyon.", e =>
        {
            error ??= e.Type == RealtimeEventTypes.Error ? e.ErrorDescription : null;
            return Task.CompletedTask;
        });

        Assert.Equal("The scripted server failed this response, server_error", error);
        Assert.Equal((TurnInterruption.Failed, "user: Remember that I moved to Lyon."), (turn!.Interruption, string.Join("|", turn.Messages.Select(m => $"{m.Role}: {m.Content}"))));
        Assert.Equal([("user: Remember that I moved to Lyon.", "failed")], await DeliveredAsync(1));
    }

    [Fact]
    public async Task Errors_about_client_events_end_no_turn_and_the_session_goes_on()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Still here."] };
        await using var connection = await ConnectAsync();
        await connection.CommitAudioAsync(_timeout.Token);
        await connection.CancelResponseAsync(_timeout.Token);

        var turn = await AskAsync(connection, "Are you there?");

        Assert.Equal(["user: Are you there?", "assistant: Still here."], turn!.Messages.Select(m => $"{m.Role}: {m.Content}"));
        Assert.Null(turn.Interruption);
        Assert.Single(await JournaledAsync());
    }

    [Fact]
    public async Task A_socket_dropped_mid_answer_records_what_was_heard_marked_and_a_new_connection_goes_on()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = [LongAnswer], ChunkDelayMs = 10, DropRate = 1 };
        await using (var connection = await ConnectAsync())
        {
            var dropped = await AskAsync(connection, "What about the courts?");
            Assert.Equal((TurnInterruption.Dropped, Heard(LongAnswer.Split(' ').Length / 2)), (dropped!.Interruption, dropped.Messages[1].Content));
        }
        Assert.Equal(ChatOutcome.Dropped, _server.Emulator.GetRealtimeResponses().Single().Outcome);

        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["They open at eight."] };
        await using var again = await ConnectAsync();
        var next = await AskAsync(again, "When do they open?");

        Assert.Null(next!.Interruption);
        Assert.Equal(
            [("user: What about the courts?|assistant: " + Heard(LongAnswer.Split(' ').Length / 2), "dropped"), ("user: When do they open?|assistant: They open at eight.", null)],
            await DeliveredAsync(2));
        Assert.Equal(await JournaledAsync(), await DeliveredAsync(2));
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_tried_with_backoff_and_a_refused_one_is_not_retried()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var closed = new Uri($"ws://127.0.0.1:{port}/v1/realtime");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var unreachable = await Assert.ThrowsAsync<RealtimeConnectionException>(() =>
            RealtimeConnection.ConnectAsync(Options with { Endpoint = closed, ConnectAttempts = 3, ReconnectDelay = TimeSpan.FromMilliseconds(100) }));
        Assert.Contains(closed.Authority, unreachable.Message, StringComparison.Ordinal);
        Assert.True(watch.ElapsedMilliseconds >= 100, $"gave up after {watch.ElapsedMilliseconds} ms, without waiting between attempts");

        var wrongPath = Options with { Endpoint = new Uri(_server.Emulator.BaseAddress, "v1/nowhere"), ReconnectDelay = TimeSpan.FromSeconds(5) };
        watch.Restart();
        var refused = await Assert.ThrowsAsync<RealtimeConnectionException>(() => RealtimeConnection.ConnectAsync(wrongPath));
        Assert.Contains("HTTP 404", refused.Message, StringComparison.Ordinal);
        Assert.True(watch.ElapsedMilliseconds < 4000, $"a refusal was retried ({watch.ElapsedMilliseconds} ms)");
        Assert.DoesNotContain("sk-test-key", unreachable.Message + refused.Message, StringComparison.Ordinal);
    }
}
