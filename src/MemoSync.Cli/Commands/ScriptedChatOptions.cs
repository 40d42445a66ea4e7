using System.CommandLine;
using System.CommandLine.Parsing;
using MemoSync.Emulator.Chat;

namespace MemoSync.Cli.Commands;

/// <summary>The flags of <c>memosync emulator</c> for its scripted OpenAI-compatible chat endpoint, read into <see cref="ScriptedChatSettings"/>.</summary>
internal sealed class ScriptedChatOptions
{
    private readonly Option<FileInfo?> _script = new("--chat-script")
    {
        Description = "A text file of canned chat answers, one a line, given in order then again (default: echo the user).",
    };
    private readonly Option<int> _latency = new("--chat-latency") { Description = "Milliseconds before the first byte of a chat answer." };
    private readonly Option<int> _chunkDelay = new("--chat-chunk-delay") { Description = "Milliseconds between the streamed pieces of a chat answer." };
    private readonly Option<double> _interrupt = new("--chat-interrupt-rate") { Description = "Share of chat answers cut halfway through. 0 to 1." };
    private readonly Option<double> _drop = new("--chat-drop-rate")
    {
        Description = "Share of connections cut: chat before any answer, realtime halfway through it. 0 to 1.",
    };
    private readonly Option<double> _error = new("--chat-error-rate") { Description = "Share of answers the service fails (HTTP 500, or a realtime error event). 0 to 1." };
    private readonly Option<string[]> _transcripts = new("--realtime-transcript")
    {
        Description = "What the realtime endpoint hears in committed audio, in order (repeat the flag); default: its length, e.g. (1.5 s of audio).",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        Option[] all = [_script, _latency, _chunkDelay, _interrupt, _drop, _error, _transcripts];
        foreach (var option in all)
        {
            command.Options.Add(option);
        }
        command.Check(result =>
        {
            if (result.GetValue(_script) is { Exists: false } missing)
            {
                result.AddError($"--chat-script: no such file '{missing.FullName}'");
            }
            else if (Read(result).Validate() is { } error)
            {
                result.AddError($"Invalid chat flags: {error}");
            }
        });
    }

    public ScriptedChatSettings Read(SymbolResult result) => new()
    {
        Answers = result.GetValue(_script) is { Exists: true } file
            ? File.ReadAllLines(file.FullName).Where(line => !string.IsNullOrWhiteSpace(line)).ToList()
            : [],
        LatencyMs = result.GetValue(_latency),
        ChunkDelayMs = result.GetValue(_chunkDelay),
        InterruptRate = result.GetValue(_interrupt),
        DropRate = result.GetValue(_drop),
        ErrorRate = result.GetValue(_error),
        Transcripts = result.GetValue(_transcripts) ?? [],
    };
}
