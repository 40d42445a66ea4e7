namespace MemoSync.Journal;

/// <summary>Which users a list of users holds, and in what order.</summary>
/// <param name="Search">Only users whose id contains this, ignoring ASCII case; all when null or empty.</param>
/// <param name="Sort">The column to sort by; ties go by user id.</param>
/// <param name="Descending">Largest (or latest) first.</param>
/// <param name="Limit">At most this many users.</param>
public sealed record UserQuery(string? Search = null, UserSort Sort = UserSort.UserId, bool Descending = false, int Limit = 200)
{
    /// <summary>The <c>LIKE</c> pattern for <see cref="Search"/> (its wildcards escaped with <c>!</c>), or null for all users.</summary>
    internal string? Pattern => string.IsNullOrEmpty(Search)
        ? null
        : "%" + Search.ToLowerInvariant().Replace("!", "!!", StringComparison.Ordinal).Replace("%", "!%", StringComparison.Ordinal)
            .Replace("_", "!_", StringComparison.Ordinal) + "%";
}
