using System.CommandLine;
using MemoSync.Cli.Configuration;
using MemoSync.Cli.Voice;
using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Journal;
using MemoSync.Memobase.Models;
using MemoSync.Memory;
using MemoSync.Realtime;
using Microsoft.Extensions.DependencyInjection;

namespace MemoSync.Cli.Commands;

/// <summary>
/// <c>memosync talk</c>: one spoken turn without a sound card. The question, a 16-bit PCM WAV file, is streamed in real
/// time to a realtime endpoint with the user's memory in the instructions; the spoken answer is written as a WAV file,
/// and the turn (the transcripts of both) is recorded in the journal and delivered at once.
/// </summary>
internal static class TalkCommand
{
    /// <summary>How much audio goes in each append, and how often: real time, as a microphone would send it.</summary>
    private static readonly TimeSpan Chunk = TimeSpan.FromMilliseconds(100);

    public static Command Create(CliSettings settings)
    {
        var realtime = new RealtimeFlags();
        var input = new Option<FileInfo>("--in") { Description = "The question: a 16-bit PCM WAV file (any rate and channels).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where the answer's audio goes, as a 24 kHz 16-bit mono WAV file.", Required = true };
        var system = new Option<string>("--system")
        {
            Description = "The assistant's instructions; the user's memory follows them.",
            DefaultValueFactory = _ => "You are a helpful assistant.",
        };
        var command = new Command("talk", "Say a WAV file to a realtime voice endpoint and write its spoken answer; the turn is recorded and delivered to Memobase.")
        {
            settings.User, input, output, system, settings.Url, settings.Journal,
        };
        realtime.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(input) is { Exists: false } missing)
            {
                result.AddError($"--in: no such file '{missing.FullName}'");
            }
            if (result.GetValue(output) is { Directory.Exists: false } nowhere)
            {
                result.AddError($"--out: no such folder '{nowhere.DirectoryName}'");
            }
        });
        command.SetAction(async (result, ct) =>
        {
            var configuration = settings.Load(result);
            var options = realtime.Read(result, configuration, "talk")
                ?? throw new CliFailure(ExitCodes.BadSetting, "talk: no realtime endpoint: set --realtime (or REALTIME_URL) to a URL such as "
                    + $"ws://127.0.0.1:8019/v1/realtime, and {RealtimeFlags.KeyVariable} if the endpoint needs a key.");
            if (configuration["USER_ID"] is not { Length: > 0 } userId)
            {
                throw new CliFailure(ExitCodes.BadSetting, "talk: no user: set --user (or USER_ID).");
            }
            byte[] question;
            try
            {
                question = WavFile.ReadPcm16Mono24k(result.GetValue(input)!.FullName);
            }
            catch (InvalidDataException e)
            {
                throw new CliFailure(ExitCodes.BadSetting, $"talk: --in {e.Message}.");
            }
            if (question.Length == 0)
            {
                throw new CliFailure(ExitCodes.BadSetting, $"talk: --in {result.GetValue(input)!.FullName}: the file holds no audio.");
            }
            // The memory is read while the question streams, so it may take as long as the question lasts: nothing waits for it sooner.
            var speaking = WavFile.Duration(question.Length);
            var memoryTimeout = TimeSpan.FromTicks(Math.Max(new MemoryContextOptions().Timeout.Ticks, speaking.Ticks));
            await using var services = CliServices.Build(configuration, o => o.Memory = new MemoryContextOptions { Timeout = memoryTimeout });
            return await RunAsync(services, options, userId, question, result.GetValue(output)!.FullName, result.GetValue(system)!, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, RealtimeOptions options, string userId, byte[] question, string answerPath,
        string instructions, CancellationToken ct)
    {
        var engine = services.GetRequiredService<DeliveryEngine>();
        engine.Start();
        var memory = services.GetRequiredService<MemoryContextProvider>();
        var recorder = services.GetRequiredService<DialogueRecorderFactory>().Create(userId, $"talk-{Guid.CreateVersion7()}");
        var prompt = memory.BuildSystemPromptAsync(instructions, userId, [], ct);

        await using var dialogue = new RealtimeDialogue(await RealtimeFlags.ConnectAsync(options, "talk", ct), new RealtimeTurnAssembler(recorder), Console.Out);
        // Before any audio: the session's own turn detection goes off, and this client commits and asks for the answer.
        await dialogue.Connection.UpdateSessionAsync(instructions, audio: true, ct);
        Console.WriteLine($"memosync talk: {userId}; saying {WavFile.Duration(question.Length).TotalSeconds:0.0} s of audio in real time");
        var bytesPerChunk = (int)(WavFile.SampleRate * 2 * Chunk.TotalSeconds);
        using (var pace = new PeriodicTimer(Chunk))
        {
            for (var at = 0; at < question.Length; at += bytesPerChunk)
            {
                await dialogue.Connection.AppendAudioAsync(question.AsMemory(at, Math.Min(bytesPerChunk, question.Length - at)), ct);
                await pace.WaitForNextTickAsync(ct);
            }
        }
        if (await prompt is var remembered && remembered != instructions)
        {
            await dialogue.Connection.UpdateSessionAsync(remembered, audio: true, ct);
        }
        await dialogue.Connection.CommitAudioAsync(ct);
        await dialogue.Connection.CreateResponseAsync(ct);

        Console.Write("assistant> ");
        using var answer = new MemoryStream();
        var turn = await dialogue.ReadTurnAsync(answer, ct);
        WavFile.WritePcm16Mono24k(answerPath, answer.ToArray());
        Console.WriteLine($"you> {turn?.Messages.FirstOrDefault(m => m.Role == ChatMessage.UserRole)?.Content ?? "(no transcript)"}");
        Console.WriteLine($"memosync talk: the answer, {WavFile.Duration(answer.Length).TotalSeconds:0.0} s, is in {answerPath}; "
            + (turn is null ? "nothing was said, no turn recorded." : $"turn {turn.Id} recorded{(turn.Interruption is { } why ? $" ({why.Name()})" : "")}."));

        await engine.DrainAsync();
        Console.WriteLine(engine.Statistics.ToTable());
        return ExitCodes.Ok;
    }
}
