using Microsoft.Extensions.AI;

namespace MemoSync.Chat;

/// <summary>
/// Says who speaks in a chat call, for <see cref="MemoSyncChatClient"/>: the user and session ids travel in
/// <see cref="ChatOptions.AdditionalProperties"/> under <see cref="UserIdKey"/> and <see cref="SessionIdKey"/>, which the
/// middleware removes before the call goes on, so the LLM never sees them.
/// </summary>
public static class MemoSyncChatOptions
{
    /// <summary>The key of the user id: the user whose memory goes into the system prompt and whose turn is recorded.</summary>
    public const string UserIdKey = "memosync.user_id";

    /// <summary>The key of the session id the recorded turn belongs to (optional).</summary>
    public const string SessionIdKey = "memosync.session_id";

    /// <summary>Returns <paramref name="options"/> (or new options) carrying the user and session of the call.</summary>
    public static ChatOptions WithMemoSyncUser(this ChatOptions? options, string userId, string? sessionId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        options ??= new ChatOptions();
        options.AdditionalProperties ??= [];
        options.AdditionalProperties[UserIdKey] = userId;
        if (sessionId is not null)
        {
            options.AdditionalProperties[SessionIdKey] = sessionId;
        }
        return options;
    }

    /// <summary>The user id the call's options carry, or null.</summary>
    public static string? ReadUserId(ChatOptions? options) => Read(options, UserIdKey);

    /// <summary>The session id the call's options carry, or null.</summary>
    public static string? ReadSessionId(ChatOptions? options) => Read(options, SessionIdKey);

    /// <summary>The options to send on: a copy without MemoSync's keys when they are there, otherwise <paramref name="options"/> itself.</summary>
    internal static ChatOptions? WithoutMemoSyncKeys(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties || !(properties.ContainsKey(UserIdKey) || properties.ContainsKey(SessionIdKey)))
        {
            return options;
        }
        var sent = options.Clone();
        sent.AdditionalProperties = new AdditionalPropertiesDictionary(properties.Where(p => p.Key is not (UserIdKey or SessionIdKey)));
        return sent;
    }

    private static string? Read(ChatOptions? options, string key) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(key, out string? value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
