namespace MemoSync.Memobase.Models;

/// <summary>The blob types of the Memobase API (path segment and <c>blob_type</c> value).</summary>
public static class BlobType
{
    /// <summary>A conversation: <c>blob_data.messages</c>. The only type MemoSync delivers.</summary>
    public const string Chat = "chat";
    /// <summary>A summary blob.</summary>
    public const string Summary = "summary";
    /// <summary>A document.</summary>
    public const string Doc = "doc";
    /// <summary>An image (not processed by the server).</summary>
    public const string Image = "image";
    /// <summary>Source code.</summary>
    public const string Code = "code";
    /// <summary>A transcript (not processed by the server).</summary>
    public const string Transcript = "transcript";

    /// <summary>Every type the server accepts, in the spec's order.</summary>
    public static IReadOnlyList<string> All { get; } = [Chat, Summary, Doc, Image, Code, Transcript];
}
