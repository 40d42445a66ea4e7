using System.Text;
using MemoSync.Journal;

namespace MemoSync.Dashboard.Pages;

/// <summary>One user: their counts, their turns newest first (all, or in one state), and requeueing their dead turns.</summary>
internal static class UserPage
{
    /// <summary>How many turns the page shows at most.</summary>
    public const int Limit = 200;

    private static readonly (TurnState? State, string Name)[] Filters = [(null, "All"), (TurnState.Pending, "Pending"), (TurnState.Dead, "Dead"), (TurnState.Synced, "Synced")];

    public static string Render(PageContext page, string userId, UserSummary? summary, TurnState? state, IReadOnlyList<JournalEntry> turns, DateTimeOffset now)
    {
        var html = new StringBuilder(16384);
        if (summary is null)
        {
            html.Append("""<p class="muted">The journal holds no turn of this user.</p>""");
            return Layout.Page(page, $"User {userId}", "/users", html.ToString());
        }
        html.Append($"""
            <dl class="summary">
            <dt>Pending</dt><dd id="user-pending">{Html.N(summary.Pending)}</dd><dt>Synced</dt><dd id="user-synced">{Html.N(summary.Synced)}</dd>
            <dt>Dead</dt><dd id="user-dead">{Html.N(summary.Dead)}</dd><dt>Last synced</dt><dd>{Html.At(summary.LastSyncedAt)}</dd>
            <dt>Oldest pending</dt><dd>{(summary.OldestPending is { } oldest ? $"{Html.Age(now - oldest)} ago" : "—")}</dd>
            </dl>
            {TurnsTable.ActionsNote(page)}
            """);
        if (summary.Dead > 0 && page.SignedIn)
        {
            html.Append($"""<p><a class="button" href="{page.Prefix}/requeue-dead?user={Html.Q(userId)}">Requeue this user's {Html.N(summary.Dead)} dead turns…</a></p>""");
        }
        html.Append("""<nav aria-label="Turns by state"><ul class="filters">""");
        foreach (var (filter, name) in Filters)
        {
            var current = filter == state ? " aria-current=\"page\"" : "";
            var query = filter is { } s ? $"&amp;state={s.ToString().ToLowerInvariant()}" : "";
            html.Append($"""<li><a href="{page.Prefix}/user?id={Html.Q(userId)}{query}"{current}>{name}</a></li>""");
        }
        html.Append("</ul></nav>");
        if (turns.Count == Limit)
        {
            html.Append($"""<p class="muted">The newest {Limit} are shown.</p>""");
        }
        html.Append(TurnsTable.Render(page, turns, withUser: false, now, "Turns, newest first"));
        return Layout.Page(page, $"User {userId}", "/users", html.ToString());
    }

    /// <summary>The state a link names, or null for all.</summary>
    public static TurnState? Parse(string? state) => Enum.TryParse<TurnState>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
}
