using System.Text;
using MemoSync.Dashboard.Live;

namespace MemoSync.Dashboard.Pages;

/// <summary>
/// The overview: counts by state, the oldest pending turn, Memobase and delivery, the charts, the engine's lanes and the
/// latest errors. The part that changes is a fragment of its own, which the page's script fetches again every refresh.
/// </summary>
internal static class OverviewPage
{
    /// <summary>The whole page, the fragment inside a region that refreshes itself every <paramref name="refresh"/>.</summary>
    public static string Render(PageContext page, Overview overview, TimeSpan refresh) => Layout.Page(page, "Overview", "", $"""
        <div id="live" data-refresh="{page.Prefix}/live/overview" data-interval="{(int)refresh.TotalMilliseconds}">
        {Fragment(page, overview)}
        </div>
        <p id="refresh-status" class="muted">Refreshes every {Html.Age(refresh)}.</p>
        """);

    /// <summary>The part that changes.</summary>
    public static string Fragment(PageContext page, Overview overview)
    {
        var html = new StringBuilder(16384);
        html.Append($"""<p class="muted">As of {Html.At(overview.At)}</p>""");
        Health(html, overview);
        Counts(html, page, overview);
        html.Append($"""
            <section aria-labelledby="charts-heading"><h2 id="charts-heading">Delivery by this process, last hour</h2>
            <div class="charts">
            <figure>{Charts.Delivered(overview.Minutes)}<figcaption>Turns delivered per minute</figcaption></figure>
            <figure>{Charts.Latency(overview.Minutes)}<figcaption>Recorded to synced: <span class="key p50">p50</span> <span class="key p99">p99 (dashed)</span></figcaption></figure>
            </div></section>
            """);
        Engine(html, overview);
        Errors(html, page, overview);
        return html.ToString();
    }

    private static void Health(StringBuilder html, Overview overview)
    {
        var memobase = overview.Memobase.Reachable
            ? $"""<span id="memobase-state" class="badge good">Reachable</span> {Html.E(overview.Memobase.Where.ToString())}"""
            : $"""<span id="memobase-state" class="badge bad">Unreachable</span> {Html.E(overview.Memobase.Where.ToString())}: {Html.E(overview.Memobase.Error)}""";
        var delivery = overview.Engine switch
        {
            null => """<span id="delivery-state" class="badge">No engine</span> this process delivers nothing; a <code>memosync run</code> daemon does.""",
            { Fatal: { } why } => $"""<span id="delivery-state" class="badge bad">Stopped</span> {Html.E(why)}""",
            { Draining: true } => """<span id="delivery-state" class="badge warn">Stopping</span> handing back what it holds.""",
            { PausedUntil: { } until } => $"""<span id="delivery-state" class="badge bad">Paused</span> Memobase refused the token or URL; turns wait in the journal, no retry is charged. Resumes at {Html.At(until)}.""",
            { Failing: true } => """<span id="delivery-state" class="badge warn">Failing</span> Memobase did not take the latest attempts; turns back off and are retried.""",
            _ => """<span id="delivery-state" class="badge good">Delivering</span>""",
        };
        html.Append($"""
            <section aria-labelledby="health-heading"><h2 id="health-heading">Health</h2>
            <dl class="health">
            <dt>Memobase</dt><dd>{memobase}</dd>
            <dt>Delivery</dt><dd>{delivery}</dd>
            </dl></section>
            """);
    }

    private static void Counts(StringBuilder html, PageContext page, Overview overview)
    {
        if (overview.Journal is not { } journal)
        {
            html.Append($"""<p class="notice bad" role="alert">The journal cannot be read: {Html.E(overview.JournalError)}</p>""");
            return;
        }
        var oldest = journal.OldestPending is { } at ? $"{Html.Age(overview.At - at)}<small>since {Html.At(at)}</small>" : "none pending";
        html.Append($"""
            <section aria-labelledby="journal-heading"><h2 id="journal-heading">Journal</h2>
            <ul class="cards">
            <li><a href="{page.Prefix}/pending"><span class="label">Pending</span> <span id="count-pending" class="value">{Html.N(journal.Pending)}</span></a></li>
            <li><span class="label">Synced</span> <span id="count-synced" class="value">{Html.N(journal.Synced)}</span></li>
            <li><a href="{page.Prefix}/dead"><span class="label">Dead</span> <span id="count-dead" class="value">{Html.N(journal.Dead)}</span></a></li>
            <li><span class="label">Oldest pending</span> <span id="oldest-pending" class="value">{oldest}</span></li>
            </ul></section>
            """);
    }

    private static void Engine(StringBuilder html, Overview overview)
    {
        if (overview.Engine is not { } engine)
        {
            return;
        }
        html.Append($"""
            <section aria-labelledby="engine-heading"><h2 id="engine-heading">Delivery engine</h2>
            <p><span id="lanes-busy">{engine.InFlight.Count}</span> of {engine.Lanes} lanes busy, {Html.N(engine.Held)} turns held. Leases held as <code>{Html.E(engine.Owner)}</code>.</p>
            """);
        if (engine.InFlight.Count > 0)
        {
            html.Append("""<div class="scroll"><table><caption>Turns in flight</caption><thead><tr><th scope="col">Turn</th><th scope="col">User</th><th scope="col">Attempt</th><th scope="col">For</th></tr></thead><tbody>""");
            foreach (var turn in engine.InFlight)
            {
                html.Append($"""<tr><td><code>{turn.TurnId}</code></td><td>{Html.E(turn.UserId)}</td><td>{turn.Attempt}</td><td>{Html.Age(overview.At - turn.Since)}</td></tr>""");
            }
            html.Append("</tbody></table></div>");
        }
        html.Append("</section>");
    }

    private static void Errors(StringBuilder html, PageContext page, Overview overview)
    {
        if (overview.Journal is not { RecentErrors.Count: > 0 } journal)
        {
            return;
        }
        html.Append("""<section aria-labelledby="errors-heading"><h2 id="errors-heading">Latest errors</h2><div class="scroll"><table><thead><tr><th scope="col">User</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Error</th></tr></thead><tbody>""");
        foreach (var error in journal.RecentErrors)
        {
            html.Append($"""<tr><td><a href="{page.Prefix}/user?id={Html.Q(error.UserId)}">{Html.E(error.UserId)}</a></td><td>{TurnsTable.State(error.State)}</td><td>{error.RetryCount}</td><td class="error">{Html.E(error.Error)}</td></tr>""");
        }
        html.Append("</tbody></table></div></section>");
    }
}
