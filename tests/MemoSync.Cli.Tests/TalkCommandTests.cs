using System.Buffers.Binary;
using MemoSync.Emulator.Chat;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary><c>memosync talk</c> as a child process: a WAV question to the emulator's scripted realtime endpoint over loopback.</summary>
public sealed class TalkCommandTests : IAsyncLifetime
{
    private const string Key = "sk-realtime-test-key-91c2";
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-talk-").FullName;
    private RunningEmulator _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningEmulator.StartAsync();
        var alice = MemobaseUserId.FromName("alice");
        await _server.Client.GetOrCreateUserAsync(alice);
        await _server.Client.AddProfileAsync(alice, "plays tennis on Sundays", "interest", "sports");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Dictionary<string, string> Settings => new()
    {
        ["MEMOBASE_URL"] = _server.Emulator.BaseAddress.ToString(),
        ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
        ["REALTIME_API_KEY"] = Key,
        ["MEMOSYNC_JOURNAL"] = Path.Combine(_dir, "memosync.db"),
    };

    private string Realtime => $"ws://{_server.Emulator.BaseAddress.Authority}/v1/realtime";

    /// <summary>A WAV file as a phone records it: 16 kHz stereo 16-bit PCM, a tone on the left channel.</summary>
    private string Question(double seconds)
    {
        const int rate = 16_000;
        var frames = (int)(rate * seconds);
        var bytes = new byte[44 + (frames * 4)];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(22), 2);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), rate * 4);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(32), 4);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(34), 16);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), frames * 4);
        for (var i = 0; i < frames; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (i * 4)), (short)(4000 * Math.Sin(2 * Math.PI * 300 * i / rate)));
        }
        var path = Path.Combine(_dir, "question.wav");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public async Task A_spoken_question_gets_a_playable_spoken_answer_and_the_turn_is_recorded_and_delivered_with_the_users_memory_in_the_instructions()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["You play tennis on Sundays."], Transcripts = ["What do I do on Sundays?"] };
        var answer = Path.Combine(_dir, "answer.wav");

        var run = await CliRun.InAsync(_dir, Settings, "", "talk", "--user", "alice", "--realtime", Realtime, "--in", Question(1.5), "--out", answer);

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("saying 1.5 s of audio in real time", run.Out, StringComparison.Ordinal);
        Assert.Contains("assistant> You play tennis on Sundays.", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, run.Out + run.Err, StringComparison.Ordinal);

        // A WAV header any player reads: RIFF/WAVE, PCM, mono, 24 kHz, 16 bits, and the data it announces.
        var wav = await File.ReadAllBytesAsync(answer);
        Assert.Equal("RIFFWAVE", System.Text.Encoding.ASCII.GetString(wav, 0, 4) + System.Text.Encoding.ASCII.GetString(wav, 8, 4));
        Assert.Equal((1, 1, 24_000, 16), (BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(20)), BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(22)),
            BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)), BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(34))));
        Assert.Equal(wav.Length - 44, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40)));
        Assert.Equal(6 * 200 * 48, wav.Length - 44); // six streamed pieces: "Sundays." comes in two
        Assert.Contains(wav.Skip(44).Take(9600), b => b != 0);

        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = Settings["MEMOSYNC_JOURNAL"] });
        var turn = Assert.Single(await journal.ListAsync(null, 10));
        Assert.Equal(TurnState.Synced, turn.State);
        Assert.Equal(["What do I do on Sundays?", "You play tennis on Sundays."], turn.Turn.Messages.Select(m => m.Content));
        Assert.Equal(1, _server.Emulator.GetStats().Users.Single().DistinctTurns);
        var response = Assert.Single(_server.Emulator.GetRealtimeResponses());
        Assert.True(response.Instructions?.Contains("interest::sports: plays tennis on Sundays", StringComparison.Ordinal), run.ToString());
        Assert.Equal(["text", "audio"], response.Modalities);
    }

    [Fact]
    public async Task A_file_that_is_not_a_WAV_an_empty_one_or_an_endpoint_that_is_not_there_is_named_and_nothing_is_recorded()
    {
        var notWav = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(notWav, "not audio");
        var closed = $"ws://127.0.0.1:1/v1/realtime";

        var bad = await CliRun.InAsync(_dir, Settings, "", "talk", "--user", "alice", "--realtime", Realtime, "--in", notWav, "--out", Path.Combine(_dir, "a.wav"));
        var empty = await CliRun.InAsync(_dir, Settings, "", "talk", "--user", "alice", "--realtime", Realtime, "--in", Question(0), "--out", Path.Combine(_dir, "a.wav"));
        var nowhere = await CliRun.InAsync(_dir, Settings, "", "talk", "--user", "alice", "--realtime", closed, "--in", Question(0.2), "--out", Path.Combine(_dir, "a.wav"));

        Assert.Equal(2, bad.Code);
        Assert.Contains($"talk: --in {notWav}: not a WAV file", bad.Err, StringComparison.Ordinal);
        Assert.Equal(2, empty.Code);
        Assert.Contains("question.wav: the file holds no audio", empty.Err, StringComparison.Ordinal);
        Assert.Equal(3, nowhere.Code);
        Assert.Contains("talk: The realtime endpoint ws://127.0.0.1:1/v1/realtime could not be reached", nowhere.Err, StringComparison.Ordinal);
        Assert.Empty(_server.Emulator.GetRealtimeResponses());
        Assert.False(File.Exists(Path.Combine(_dir, "a.wav")));
    }

    [Fact]
    public async Task A_WAV_with_a_chunk_size_of_minus_8_is_refused_naming_the_offset_instead_of_looping()
    {
        var good = await File.ReadAllBytesAsync(Question(0.2));
        byte[] list = [.. "LIST"u8, 0xF8, 0xFF, 0xFF, 0xFF];
        var damaged = Path.Combine(_dir, "damaged.wav");
        await File.WriteAllBytesAsync(damaged, [.. good.AsSpan(0, 12), .. list, .. good.AsSpan(12)]);

        var run = await CliRun.InAsync(_dir, Settings, "", "talk", "--user", "alice", "--realtime", Realtime, "--in", damaged, "--out", Path.Combine(_dir, "a.wav"));

        Assert.Equal(2, run.Code);
        Assert.Contains($"talk: --in {damaged}: the chunk 'LIST' at offset 12 says it has 4294967288 bytes", run.Err, StringComparison.Ordinal);
        Assert.Empty(_server.Emulator.GetRealtimeResponses());
    }
}
