using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary>
/// Processes a user's chat buffer as the server would, without an LLM: the buffered chats become one
/// event whose tip has a line <c>- ...</c> per thing the user said (the server's LLM writes such lines, and each
/// becomes an event gist); profiles are never invented. Background runs are
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
            .Select(m => (string?)m?["content"] ?? "")
            .Select(s => "- " + (s.Length > TipLength ? s[..TipLength] + "…" : s).ReplaceLineEndings(" "));
        var eventId = store.AddEvent(userId, new EventData([], string.Join("\n", said), []));
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
