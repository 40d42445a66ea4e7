using MemoSync.Delivery;
using MemoSync.Journal;

namespace MemoSync.Dialogue;

/// <summary>Makes <see cref="DialogueRecorder"/>s on the application's journal and delivery engine; get it from DI after <c>AddMemoSync</c>.</summary>
public sealed class DialogueRecorderFactory(IDialogueJournal journal, DeliveryEngine engine, TimeProvider time)
{
    /// <summary>A recorder for one conversation of <paramref name="userId"/>; its turns are durable on return and delivered at once.</summary>
    public DialogueRecorder Create(string userId, string? sessionId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return new DialogueRecorder(journal, engine, userId, sessionId, time);
    }
}
