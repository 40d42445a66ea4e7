using System.Text;

namespace MemoSync.Emulator.Realtime;

/// <summary>A response the scripted realtime session is streaming: what was sent so far, and how it is being stopped.</summary>
internal sealed class ScriptedResponse(string id, string itemId) : IDisposable
{
    public string Id { get; } = id;

    public string ItemId { get; } = itemId;

    public CancellationTokenSource Stop { get; } = new();

    public StringBuilder Sent { get; } = new();

    /// <summary>Why it was stopped: turn_detected (the person spoke) or client_cancelled.</summary>
    public string? StopReason { get; set; }

    public Task Streaming { get; set; } = Task.CompletedTask;

    /// <summary>Its outcome is settled: nothing can stop it any more, and its <c>response.done</c> is on its way.</summary>
    public bool Ended
    {
        get => Volatile.Read(ref _ended);
        set => Volatile.Write(ref _ended, value);
    }

    private bool _ended;

    public void Dispose() => Stop.Dispose();
}
