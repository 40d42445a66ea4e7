namespace MemoSync.Dashboard.Tests;

/// <summary>The daemon's own dashboard (its HttpListener, no ASP.NET Core) in a real browser, doing what the application's does.</summary>
public sealed class DaemonBrowserTests(Browser browser) : IClassFixture<Browser>
{
    private const string Screenshots = "daemon-";

    [Fact]
    public Task The_daemons_overview_shows_the_journals_counts_during_an_outage_and_updates_without_a_reload_when_Memobase_returns() =>
        OnTheDaemonAsync(site => DashboardScenarios.OverviewFollowsAnOutageAsync(browser, site, Screenshots));

    [Fact]
    public Task A_dead_turn_is_requeued_from_the_daemons_page_after_signing_in_and_then_delivered() =>
        OnTheDaemonAsync(site => DashboardScenarios.DeadTurnIsRequeuedFromThePageAsync(browser, site, Screenshots));

    [Fact]
    public Task Requeueing_a_users_dead_turns_on_the_daemons_page_asks_first() =>
        OnTheDaemonAsync(site => DashboardScenarios.RequeueingAUsersDeadTurnsAsksFirstAsync(browser, site, Screenshots));

    [Fact]
    public Task A_cross_site_POST_to_the_daemon_is_refused_even_from_a_signed_in_browser() =>
        OnTheDaemonAsync(site => DashboardScenarios.CrossSitePostIsRefusedAsync(browser, site));

    private static async Task OnTheDaemonAsync(Func<DaemonSite, Task> scenario)
    {
        await using var site = await DaemonSite.StartAsync();
        await scenario(site);
    }
}
