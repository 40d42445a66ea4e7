namespace MemoSync.Emulator.Chat;

/// <summary>One message of a received chat completion request.</summary>
/// <param name="Role">system, developer, user, assistant or tool.</param>
/// <param name="Content">Its text (the text parts joined, for a message of parts).</param>
public sealed record ReceivedChatMessage(string Role, string Content);
