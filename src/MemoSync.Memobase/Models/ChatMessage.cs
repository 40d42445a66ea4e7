namespace MemoSync.Memobase.Models;

/// <summary>One message of a chat blob, in the OpenAI-compatible shape Memobase accepts.</summary>
/// <param name="Role"><c>user</c> or <c>assistant</c>; any other role is refused by the server.</param>
/// <param name="Content">The text of the message.</param>
/// <param name="Alias">An optional display name for the speaker.</param>
/// <param name="CreatedAt">The message's own time, free text; Memobase shows it to its extractor, so a late delivery keeps the true time.</param>
public sealed record ChatMessage(string Role, string Content, string? Alias = null, string? CreatedAt = null)
{
    /// <summary>The role of the person.</summary>
    public const string UserRole = "user";

    /// <summary>The role of the assistant.</summary>
    public const string AssistantRole = "assistant";
}
