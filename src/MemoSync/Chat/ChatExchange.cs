using MemoSync.Dialogue;
using Microsoft.Extensions.AI;

namespace MemoSync.Chat;

/// <summary>One call through <see cref="MemoSyncChatClient"/>: what goes on to the LLM, and the recorder of its turn (null when nothing is recorded).</summary>
internal sealed record ChatExchange(IEnumerable<ChatMessage> Messages, ChatOptions? Options, DialogueRecorder? Recorder);
