using MemoSync.Journal;

namespace MemoSync.Dashboard.Pages;

/// <summary>The dead list (why each died, and a way to requeue all of them) and the pending list (attempts and next attempt), oldest first.</summary>
internal static class TurnListPage
{
    /// <summary>How many turns a list shows at most.</summary>
    public const int Limit = 500;

    public static string Render(PageContext page, TurnState state, IReadOnlyList<JournalEntry> turns, DateTimeOffset now)
    {
        var (title, section) = state == TurnState.Dead ? ("Dead turns", "/dead") : ("Pending turns", "/pending");
        var more = turns.Count == Limit ? $"""<p class="muted">The oldest {Limit} are shown.</p>""" : "";
        var requeueAll = state == TurnState.Dead && turns.Count > 0 && page.SignedIn
            ? $"""<p><a class="button" href="{page.Prefix}/requeue-dead">Requeue all dead turns…</a></p>"""
            : "";
        var intro = state == TurnState.Dead
            ? "Dead turns will not be tried again until someone requeues them: Memobase refused them, or their retries ran out."
            : "Pending turns wait for delivery: due now, backing off after a failure, or being delivered.";
        return Layout.Page(page, title, section, $"""
            <p>{intro}</p>
            {TurnsTable.ActionsNote(page)}{requeueAll}{more}
            {TurnsTable.Render(page, turns, withUser: true, now, $"{title}, oldest first")}
            """);
    }
}
