using MemoSync.Cli.Chat;
using MemoSync.Memory;
using MemoSync.Realtime;
using MemobaseMessage = MemoSync.Memobase.Models.ChatMessage;

namespace MemoSync.Cli.Voice;

/// <summary>
/// A text conversation over the realtime protocol: each line goes as a user item and a response is asked for; the
/// user's memory is in the session's instructions, sent again when it changes. A dropped connection records what
/// was said and is opened again, with backoff, for the next line.
/// </summary>
internal sealed class RealtimeChatSession(RealtimeOptions options, MemoryContextProvider memory, RealtimeTurnAssembler assembler, string userId,
    string instructions, TextWriter output) : ITextConversation, IAsyncDisposable
{
    private readonly List<MemobaseMessage> _recent = [];
    private RealtimeDialogue? _dialogue;
    private string? _sentInstructions;

    /// <inheritdoc />
    public int TurnsRecorded => assembler.TurnsRecorded;

    /// <summary>Connects and reads the user's memory; true when Memobase had something for the instructions.</summary>
    /// <exception cref="CliFailure">The endpoint cannot be reached.</exception>
    public async Task<bool> StartAsync(CancellationToken ct)
    {
        _dialogue = new RealtimeDialogue(await RealtimeFlags.ConnectAsync(options, "chat", ct), assembler, output);
        return await memory.StartSessionAsync(userId, ct) is { Length: > 0 };
    }

    /// <summary>One exchange; its answer streams to the output, and the turn is recorded however it ends.</summary>
    public async Task TurnAsync(string said, CancellationToken ct)
    {
        assembler.UserSaid(said);
        if (_dialogue is not { Open: true } && !await ReconnectAsync(ct))
        {
            await assembler.ConnectionLostAsync(ct);
            return;
        }
        var prompt = await memory.BuildSystemPromptAsync(instructions, userId, _recent, ct);
        try
        {
            if (prompt != _sentInstructions)
            {
                await _dialogue!.Connection.UpdateSessionAsync(prompt, audio: false, ct);
                _sentInstructions = prompt;
            }
            await _dialogue!.Connection.AddUserTextAsync(said, ct);
            await _dialogue.Connection.CreateResponseAsync(ct);
        }
        catch (RealtimeConnectionException)
        {
            // Reading finds the connection gone too, and records the turn as dropped.
        }
        await output.WriteAsync("assistant> ");
        if (await _dialogue!.ReadTurnAsync(null, ct) is { } turn)
        {
            _recent.AddRange(turn.Messages);
        }
    }

    private async Task<bool> ReconnectAsync(CancellationToken ct)
    {
        if (_dialogue is not null)
        {
            await _dialogue.DisposeAsync();
            _dialogue = null;
        }
        try
        {
            _dialogue = new RealtimeDialogue(await RealtimeFlags.ConnectAsync(options, "chat", ct), assembler, output);
            _sentInstructions = null;
            return true;
        }
        catch (CliFailure e)
        {
            await output.WriteLineAsync($"[{e.Message} Your message is recorded.]");
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dialogue is not null)
        {
            await _dialogue.DisposeAsync();
        }
    }
}
