using MemoSync.Journal;
using MemoSync.Realtime;

namespace MemoSync.Cli.Voice;

/// <summary>
/// A terminal's side of a realtime session: reads the server's events into the turn assembler until the turn in
/// progress is recorded, showing the answer's text as it streams and keeping its audio. A dropped connection
/// records what was said and is said so; the caller connects again for the next turn.
/// </summary>
internal sealed class RealtimeDialogue(RealtimeConnection connection, RealtimeTurnAssembler assembler, TextWriter output) : IAsyncDisposable
{
    private readonly IAsyncEnumerator<RealtimeServerEvent> _events = connection.ReadEventsAsync().GetAsyncEnumerator();

    public RealtimeConnection Connection => connection;

    /// <summary>False once the connection dropped or the server closed it.</summary>
    public bool Open { get; private set; } = true;

    /// <summary>
    /// Reads until the turn is recorded (or the connection ends). The answer's text goes to the output, its audio
    /// to <paramref name="audio"/> when given. Returns the turn, or null when nothing was said.
    /// </summary>
    public async Task<Turn?> ReadTurnAsync(Stream? audio, CancellationToken ct)
    {
        try
        {
            while (await _events.MoveNextAsync().AsTask().WaitAsync(ct))
            {
                var e = _events.Current;
                switch (e.Type)
                {
                    case RealtimeEventTypes.AudioTranscriptDelta or RealtimeEventTypes.TextDelta:
                        await output.WriteAsync(e.Delta);
                        await output.FlushAsync(ct);
                        break;
                    case RealtimeEventTypes.AudioDelta when audio is not null && e.Delta is { } base64:
                        await audio.WriteAsync(Convert.FromBase64String(base64), ct);
                        break;
                    case RealtimeEventTypes.Error:
                        await output.WriteLineAsync($"\n[the realtime server reported an error: {e.ErrorDescription}]");
                        break;
                    case RealtimeEventTypes.ResponseDone when e.ResponseStatus is not "completed":
                        await output.WriteLineAsync($"\n[the answer ended {e.ResponseStatus}{(e.StatusReason is { } why ? $" ({why})" : "")}]");
                        break;
                }
                if (await assembler.ObserveAsync(e, ct) is { } turn)
                {
                    await output.WriteLineAsync();
                    return turn;
                }
            }
            Open = false;
            await output.WriteLineAsync("\n[the realtime server closed the session]");
        }
        catch (RealtimeConnectionException e)
        {
            Open = false;
            await output.WriteLineAsync($"\n[{e.Message}; what was said is recorded]");
        }
        return await assembler.ConnectionLostAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        try
        {
            await _events.DisposeAsync();
        }
        catch (Exception e) when (e is RealtimeConnectionException or InvalidOperationException)
        {
            // The reader ends with the socket it reads, a read still in flight (Ctrl+C) included.
        }
    }
}
