using System.Text;
using MemoSync.Journal;

namespace MemoSync.Dashboard.Pages;

/// <summary>Every user with their counts, searchable by id and sortable by any column (links, so it works without a script).</summary>
internal static class UsersPage
{
    private static readonly (UserSort Sort, string Name, bool Number)[] Columns =
    [
        (UserSort.UserId, "User", false), (UserSort.Pending, "Pending", true), (UserSort.Synced, "Synced", true), (UserSort.Dead, "Dead", true),
        (UserSort.LastSynced, "Last synced", false), (UserSort.OldestPending, "Oldest pending", false),
    ];

    public static string Render(PageContext page, UserQuery query, IReadOnlyList<UserSummary> users, DateTimeOffset now)
    {
        var html = new StringBuilder(16384);
        html.Append($"""
            <form class="search" method="get" action="{page.Prefix}/users" role="search">
            <label for="user-search">Search user ids</label>
            <input id="user-search" name="q" type="search" value="{Html.E(query.Search)}" autocomplete="off">
            <input type="hidden" name="sort" value="{Key(query.Sort)}"><input type="hidden" name="dir" value="{(query.Descending ? "desc" : "asc")}">
            <button type="submit">Search</button>
            </form>
            """);
        if (users.Count == 0)
        {
            html.Append("""<p class="muted">No user matches.</p>""");
            return Layout.Page(page, "Users", "/users", html.ToString());
        }
        if (users.Count == query.Limit)
        {
            html.Append($"""<p class="muted">The first {query.Limit} are shown: search to narrow them down.</p>""");
        }
        html.Append("""<div class="scroll"><table class="users"><caption>Users and their turns</caption><thead><tr>""");
        foreach (var (sort, name, number) in Columns)
        {
            // A second click on the sorted column turns the order round; a new column starts with the largest or latest first, except names.
            var descending = sort == query.Sort ? !query.Descending : number || sort == UserSort.LastSynced;
            var aria = sort == query.Sort ? $""" aria-sort="{(query.Descending ? "descending" : "ascending")}" """ : " ";
            html.Append($"""<th scope="col"{aria}><a href="{page.Prefix}/users?q={Html.Q(query.Search ?? "")}&amp;sort={Key(sort)}&amp;dir={(descending ? "desc" : "asc")}">{name}</a></th>""");
        }
        html.Append("</tr></thead><tbody>");
        foreach (var user in users)
        {
            html.Append($"""
                <tr><th scope="row"><a href="{page.Prefix}/user?id={Html.Q(user.UserId)}">{Html.E(user.UserId)}</a></th>
                <td class="number">{Html.N(user.Pending)}</td><td class="number">{Html.N(user.Synced)}</td><td class="number">{Html.N(user.Dead)}</td>
                <td>{Html.At(user.LastSyncedAt)}</td><td>{(user.OldestPending is { } oldest ? $"{Html.Age(now - oldest)} ago" : "—")}</td></tr>
                """);
        }
        html.Append("</tbody></table></div>");
        return Layout.Page(page, "Users", "/users", html.ToString());
    }

    /// <summary>A sort's name in a link.</summary>
    public static string Key(UserSort sort) => sort.ToString().ToLowerInvariant();

    /// <summary>The sort a link names; by user id when it names none.</summary>
    public static UserSort Parse(string? key) => Columns.Select(c => c.Sort).FirstOrDefault(s => Key(s) == key);
}
