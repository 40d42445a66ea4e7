using MemoSync.Emulator;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MemoSync.Dashboard.Tests;

/// <summary>The dashboard in a real browser (Debian's chromium), against a real application, journal and emulator over loopback.</summary>
public sealed class DashboardBrowserTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public Task The_overview_shows_the_journals_counts_during_an_outage_and_updates_without_a_reload_when_Memobase_returns() =>
        OnASiteAsync(site => DashboardScenarios.OverviewFollowsAnOutageAsync(browser, site, ""));

    [Fact]
    public Task A_dead_turn_is_requeued_from_the_page_and_then_delivered() =>
        OnASiteAsync(site => DashboardScenarios.DeadTurnIsRequeuedFromThePageAsync(browser, site, ""));

    [Fact]
    public Task Requeueing_a_users_dead_turns_asks_first_and_leaves_other_users_dead() =>
        OnASiteAsync(site => DashboardScenarios.RequeueingAUsersDeadTurnsAsksFirstAsync(browser, site, ""));

    [Fact]
    public async Task A_request_without_the_token_is_refused_and_no_page_shows_the_token()
    {
        await using var site = await DashboardSite.StartAsync(o => o.PagesRequireToken = true);
        site.Server.Emulator.Faults = new FaultSettings { RejectRate = 1 };
        await site.RecordAsync("alice", "hello");
        await site.WaitForJournalAsync(s => s.Dead == 1, "the turn dead");
        await using var viewer = await ViewedPage.OpenAsync(browser);
        var page = viewer.Page;

        var overview = await page.GotoAsync(site.Page());
        Assert.Equal(401, overview!.Status);
        await Expect(page.GetByLabel("Dashboard token")).ToBeVisibleAsync();
        Assert.Equal(401, (await page.APIRequest.GetAsync(site.Page("live/overview"))).Status);
        Assert.Equal(401, (await page.APIRequest.GetAsync(site.Page("dead"))).Status);
        var action = await page.APIRequest.PostAsync(site.Page("requeue-dead"), new()
        {
            Headers = new Dictionary<string, string> { ["Origin"] = site.Root.GetLeftPart(UriPartial.Authority) },
            Form = page.APIRequest.CreateFormData(),
        });
        Assert.Equal(401, action.Status);
        await viewer.SignInAsync(site, "not-the-token");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That is not the dashboard token.");
        Assert.Equal(1, (await site.Journal.GetStatusAsync()).Dead);
        await viewer.ScreenshotAsync("login");

        await viewer.SignInAsync(site);

        await Expect(page.Locator("#count-dead")).ToHaveTextAsync("1");
        foreach (var path in new[] { "", "users", "user?id=alice", "dead", "pending", "requeue-dead" })
        {
            await page.GotoAsync(site.Page(path));
            Assert.DoesNotContain(DashboardSite.Token, await page.ContentAsync(), StringComparison.Ordinal);
        }
        var cookies = await page.Context.CookiesAsync();
        Assert.All(cookies, c => Assert.DoesNotContain(DashboardSite.Token, c.Value, StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.True(c.HttpOnly && c.SameSite == SameSiteAttribute.Strict));
    }

    [Fact]
    public Task A_cross_site_POST_is_refused_even_from_a_signed_in_browser() =>
        OnASiteAsync(site => DashboardScenarios.CrossSitePostIsRefusedAsync(browser, site));

    [Fact]
    public async Task Every_page_works_from_loopback_alone_with_everything_embedded()
    {
        await using var site = await DashboardSite.StartAsync();
        site.Server.Emulator.Faults = new FaultSettings { RejectRate = 0.5, Seed = 3 };
        for (var i = 0; i < 12; i++)
        {
            await site.RecordAsync($"user-{i % 4:00}", $"question {i}");
        }
        await site.WaitForJournalAsync(s => s.Pending == 0 && s.Dead > 0 && s.Synced > 0, "every turn synced or dead");
        site.Server.Emulator.Faults = new FaultSettings { Outage = true };
        await site.RecordAsync("user-99", "waiting");
        await using var viewer = await ViewedPage.OpenAsync(browser);
        var page = viewer.Page;
        await viewer.SignInAsync(site);

        await page.GotoAsync(site.Page());
        await page.WaitForResponseAsync(r => r.Url.EndsWith("/live/overview", StringComparison.Ordinal));
        await page.WaitForResponseAsync(r => r.Url.EndsWith("/live/overview", StringComparison.Ordinal));
        await page.GotoAsync(site.Page("users"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Dead" }).Last.ClickAsync();
        await Expect(page.Locator("th[aria-sort=descending]")).ToHaveTextAsync("Dead");
        await viewer.ScreenshotAsync("users");
        await page.GetByLabel("Search user ids").FillAsync("99");
        await page.GetByLabel("Search user ids").PressAsync("Enter");
        await Expect(page.Locator("table.users tbody tr")).ToHaveCountAsync(1);
        await page.GotoAsync(site.Page("pending"));
        await Expect(page.Locator("table.turns")).ToContainTextAsync("user-99");
        await viewer.ScreenshotAsync("pending");

        Assert.Empty(viewer.OffLoopback());
        Assert.Contains(viewer.Requests, url => url.EndsWith("/assets/dashboard.css", StringComparison.Ordinal));
        Assert.Contains(viewer.Requests, url => url.EndsWith("/assets/dashboard.js", StringComparison.Ordinal));
    }

    private static async Task OnASiteAsync(Func<DashboardSite, Task> scenario)
    {
        await using var site = await DashboardSite.StartAsync();
        await scenario(site);
    }
}
