using System.Text;
using MemoSync.Journal;

namespace MemoSync.Dashboard.Pages;

/// <summary>A table of turns, as the dead and pending lists and a user's page show them, with the requeue button of each.</summary>
internal static class TurnsTable
{
    /// <summary>A turn's state in words (never a colour alone).</summary>
    public static string State(TurnState state) => state switch
    {
        TurnState.Pending => """<span class="badge warn">pending</span>""",
        TurnState.Synced => """<span class="badge good">synced</span>""",
        _ => """<span class="badge bad">dead</span>""",
    };

    /// <summary>Why the viewer sees no requeue buttons, or nothing when they do.</summary>
    public static string ActionsNote(PageContext page) => page.SignedIn ? ""
        : page.HasToken ? $"""<p class="muted"><a href="{page.Prefix}/login?back={Html.Q(page.Here)}">Sign in</a> with the dashboard token to requeue turns and read their messages.</p>"""
        : """<p class="muted">Requeueing and messages are off: no dashboard token is set (<code>MEMOSYNC_DASHBOARD_TOKEN</code> for <code>memosync run</code>).</p>""";

    /// <summary>The table; <paramref name="withUser"/> adds a column naming each turn's user.</summary>
    public static string Render(PageContext page, IReadOnlyList<JournalEntry> turns, bool withUser, DateTimeOffset now, string caption)
    {
        if (turns.Count == 0)
        {
            return """<p class="muted">No turns here.</p>""";
        }
        var html = new StringBuilder(8192);
        html.Append($"""<div class="scroll"><table class="turns"><caption>{Html.E(caption)}</caption><thead><tr><th scope="col">Turn</th>""");
        if (withUser)
        {
            html.Append("""<th scope="col">User</th>""");
        }
        html.Append("""<th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Next attempt</th><th scope="col">Last error</th><th scope="col">Messages</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead><tbody>""");
        foreach (var entry in turns)
        {
            var turn = entry.Turn;
            html.Append($"""<tr id="turn-{turn.Id}"><td><code>{turn.Id}</code><small>recorded {Html.At(entry.RecordedAt)}</small></td>""");
            if (withUser)
            {
                html.Append($"""<td><a href="{page.Prefix}/user?id={Html.Q(turn.UserId)}">{Html.E(turn.UserId)}</a></td>""");
            }
            var next = entry.State != TurnState.Pending ? "—"
                : entry.LeaseUntil is { } lease && lease > now ? "being delivered"
                : entry.NextAttemptAt <= now ? "due now"
                : $"in {Html.Age(entry.NextAttemptAt - now)}<small>{Html.At(entry.NextAttemptAt)}</small>";
            html.Append($"""<td>{State(entry.State)}</td><td>{entry.RetryCount}</td><td>{next}</td><td class="error">{Html.E(entry.LastError ?? "—")}</td><td>{Messages(page, turn)}</td><td>{Action(page, entry)}</td></tr>""");
        }
        return html.Append("</tbody></table></div>").ToString();
    }

    /// <summary>What was said, for a signed-in viewer only: it is a person's conversation.</summary>
    private static string Messages(PageContext page, Turn turn)
    {
        if (!page.SignedIn)
        {
            return $"""<span class="muted">{turn.Messages.Count} hidden</span>""";
        }
        var html = new StringBuilder($"""<details><summary>{turn.Messages.Count} messages</summary><ol class="messages">""");
        foreach (var message in turn.Messages)
        {
            html.Append($"""<li><strong>{Html.E(message.Role)}</strong> {Html.E(message.Content)}</li>""");
        }
        return html.Append("</ol></details>").ToString();
    }

    private static string Action(PageContext page, JournalEntry entry) => entry.State == TurnState.Synced || !page.SignedIn ? "" : $"""
        <form method="post" action="{page.Prefix}/requeue"><input type="hidden" name="turn" value="{entry.Turn.Id}"><input type="hidden" name="back" value="{Html.E(page.Here)}"><button type="submit" aria-label="Requeue turn {entry.Turn.Id}">Requeue</button></form>
        """;
}
