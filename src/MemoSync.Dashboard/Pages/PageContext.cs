namespace MemoSync.Dashboard.Pages;

/// <summary>What every page needs to know about where it is and who looks at it.</summary>
/// <param name="Prefix">The dashboard's path, such as <c>/memosync</c>.</param>
/// <param name="Here">This page's path and query, to come back to after signing in or acting.</param>
/// <param name="SignedIn">The viewer gave the token: actions and messages are theirs.</param>
/// <param name="HasToken">A token is set, so signing in is possible at all.</param>
/// <param name="Notice">What an action just did, or null.</param>
internal sealed record PageContext(string Prefix, string Here, bool SignedIn, bool HasToken, string? Notice);
