using MemoSync.Journal;
using MemoSync.Memory;
using Microsoft.Extensions.AI;

namespace MemoSync.Chat;

/// <summary>How <see cref="MemoSyncChatClient"/> works; every default is the one used when a property is left alone.</summary>
public sealed class MemoSyncChatClientOptions
{
    /// <summary>
    /// The user of a call. Default: <see cref="MemoSyncChatOptions.ReadUserId"/>, the id set with
    /// <see cref="MemoSyncChatOptions.WithMemoSyncUser"/>. An application with one user per client (or an ambient user,
    /// such as the signed-in one) returns it here. A call without a user passes through untouched: no memory, nothing recorded.
    /// </summary>
    public Func<ChatOptions?, string?> UserId { get; set; } = MemoSyncChatOptions.ReadUserId;

    /// <summary>The session a call's turn belongs to. Default: <see cref="MemoSyncChatOptions.ReadSessionId"/>; null records the turn without a session.</summary>
    public Func<ChatOptions?, string?> SessionId { get; set; } = MemoSyncChatOptions.ReadSessionId;

    /// <summary>Put the user's memory in the system prompt. Default true; false only records.</summary>
    public bool InjectMemory { get; set; } = true;

    /// <summary>
    /// The longest a call waits for the memory before it goes on without it. Default null: the application's
    /// <see cref="MemoryContextOptions.Timeout"/> (500 ms unless configured). Setting it, or <see cref="MaxMemoryTokens"/>,
    /// gives the client a memory cache of its own.
    /// </summary>
    public TimeSpan? MemoryTimeout { get; set; }

    /// <summary>The size of the memory in tokens. Default null: the application's <see cref="MemoryContextOptions.MaxTokenSize"/> (500 unless configured).</summary>
    public int? MaxMemoryTokens { get; set; }

    /// <summary>Called with each turn once it is durable in the journal (delivery follows), for instance to count or log it. Default none.</summary>
    public Action<Turn>? TurnRecorded { get; set; }

    /// <summary>The memory options for this client: the application's, with this client's timeout and size when set.</summary>
    internal MemoryContextOptions MemoryOptions(MemoryContextOptions application) => application with
    {
        Timeout = MemoryTimeout ?? application.Timeout,
        MaxTokenSize = MaxMemoryTokens ?? application.MaxTokenSize,
    };

    /// <summary>True when this client reads memory with options of its own, so it needs a provider of its own.</summary>
    internal bool OwnMemoryOptions => MemoryTimeout is not null || MaxMemoryTokens is not null;
}
