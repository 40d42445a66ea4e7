using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary>
/// Processes a user's chat buffer as the server would, without an LLM: the buffered chats become one
/// event whose tip quotes what the user said; profiles are never invented. Background runs are
/// tracked so that stopping the emulator waits for them.
/// </summary>
internal sealed class BufferProcessor(EmulatorStore store, EmulatorOptions options)
{
    private const int TipLength = 200;
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];

    public ChatModalResult? Process(Guid userId, string blobType)
    {
        var claimed = store.ClaimIdleBuffer(userId, blobType);
        if (claimed.Count == 0)
        {
            return null;
        }
        var said = claimed
            .SelectMany(b => b.BlobData["messages"]?.AsArray() ?? [])
            .Where(m => (string?)m?["role"] == ChatMessage.UserRole)
            .Select(m => (string?)m?["content"]);
        var tip = string.Join(" / ", said);
        if (tip.Length > TipLength)
        {
            tip = tip[..TipLength] + "…";
        }
        var eventId = store.AddEvent(userId, new EventData([], $"{claimed.Count} chat(s): {tip}", []));
        store.CompleteBuffer(claimed.Select(b => b.BlobId), options.PersistentChatBlobs);
        return new ChatModalResult(eventId, [], [], []);
    }

    public void ProcessInBackground(Guid userId, string blobType)
    {
        lock (_gate)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(Task.Run(() => Process(userId, blobType)));
        }
    }

    public Task DrainAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_running);
        }
    }
}
