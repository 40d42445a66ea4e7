using MemoSync.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MemoSync.Dashboard.Tests;

/// <summary>The dashboard in a real browser (Debian's chromium), against a real application, journal and emulator over loopback.</summary>
public sealed class DashboardBrowserTests(Browser browser) : IClassFixture<Browser>
{
    private static readonly LocatorAssertionsToHaveTextOptions Eventually = new() { Timeout = 90_000 };

    [Fact]
    public async Task The_overview_shows_the_journals_counts_during_an_outage_and_updates_without_a_reload_when_Memobase_returns()
    {
        await using var site = await DashboardSite.StartAsync();
        site.Server.Emulator.Faults = new FaultSettings { Outage = true };
        for (var i = 0; i < 4; i++)
        {
            await site.RecordAsync($"user-{i % 2}", $"question {i}");
        }
        await site.WaitForJournalAsync(s => s.Pending == 4, "4 turns pending");
        await using var viewer = await ViewedPage.OpenAsync(browser);
        var page = viewer.Page;

        await page.GotoAsync(site.Page());

        await Expect(page.Locator("#count-pending")).ToHaveTextAsync("4");
        await Expect(page.Locator("#count-synced")).ToHaveTextAsync("0");
        await Expect(page.Locator("#memobase-state")).ToHaveTextAsync("Unreachable", Eventually);
        await page.EvaluateAsync("() => window.sameDocument = true");
        await viewer.ScreenshotAsync("overview-outage");

        site.Server.Emulator.Faults = new FaultSettings();

        await Expect(page.Locator("#memobase-state")).ToHaveTextAsync("Reachable", Eventually);
        await Expect(page.Locator("#count-synced")).ToHaveTextAsync("4", Eventually);
        await Expect(page.Locator("#count-pending")).ToHaveTextAsync("0", Eventually);
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded");
        Assert.Equal(4, (await site.Journal.GetStatusAsync()).Synced);
        await Expect(page.Locator("#delivered-desc")).ToContainTextAsync("4 turns delivered in the last hour");
        await viewer.ScreenshotAsync("overview");
        Assert.Empty(viewer.OffLoopback());
    }

    [Fact]
    public async Task A_dead_turn_is_requeued_from_the_page_and_then_delivered()
    {
        await using var site = await DashboardSite.StartAsync();
        site.Server.Emulator.Faults = new FaultSettings { RejectRate = 1 };
        var turn = await site.RecordAsync("alice", "My cat is called Mimi");
        await site.WaitForJournalAsync(s => s.Dead == 1, "the turn dead");
        site.Server.Emulator.Faults = new FaultSettings();
        await using var viewer = await ViewedPage.OpenAsync(browser);
        var page = viewer.Page;
        await viewer.SignInAsync(site);

        await page.GotoAsync(site.Page("dead"));
        var row = page.Locator($"#turn-{turn.Id}");
        await Expect(row).ToContainTextAsync("Unable to parse blob");
        await viewer.ScreenshotAsync("dead");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Requeue turn {turn.Id}" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Requeued 1 turn: it is due now.");
        await site.WaitForJournalAsync(s => s.Synced == 1 && s.Dead == 0, "the turn synced");
        Assert.Contains(turn.Id, await site.Server.StoredTurnIdsAsync("alice"));
        await page.GotoAsync(site.Page("user?id=alice"));
        await Expect(page.Locator($"#turn-{turn.Id}")).ToContainTextAsync("synced");
        await page.Locator($"#turn-{turn.Id} summary").ClickAsync();
        await Expect(page.Locator($"#turn-{turn.Id} .messages")).ToContainTextAsync("My cat is called Mimi");
        await viewer.ScreenshotAsync("user");
        Assert.Empty(viewer.OffLoopback());
    }

    [Fact]
    public async Task Requeueing_a_users_dead_turns_asks_first_and_leaves_other_users_dead()
    {
        await using var site = await DashboardSite.StartAsync();
        site.Server.Emulator.Faults = new FaultSettings { RejectRate = 1 };
        await site.RecordAsync("bob", "first");
        await site.RecordAsync("bob", "second");
        var carols = await site.RecordAsync("carol", "third");
        await site.WaitForJournalAsync(s => s.Dead == 3, "three turns dead");
        site.Server.Emulator.Faults = new FaultSettings();
        await using var viewer = await ViewedPage.OpenAsync(browser);
        var page = viewer.Page;
        await viewer.SignInAsync(site);
        await page.GotoAsync(site.Page("user?id=bob"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Requeue this user's 2 dead turns…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("Requeue the 2 dead turns of user bob?");
        Assert.Equal(3, (await site.Journal.GetStatusAsync()).Dead);
        await viewer.ScreenshotAsync("requeue-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Requeue 2 dead turns" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Requeued 2 turns: they are due now.");
        await site.WaitForJournalAsync(s => s.Synced == 2, "bob's turns synced");
        Assert.Equal(TurnStateDead, (await site.Journal.GetAsync(carols.Id))!.State);
    }

    private const MemoSync.Journal.TurnState TurnStateDead = MemoSync.Journal.TurnState.Dead;

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
    public async Task A_cross_site_POST_is_refused_even_from_a_signed_in_browser()
    {
        await using var site = await DashboardSite.StartAsync();
        site.Server.Emulator.Faults = new FaultSettings { RejectRate = 1 };
        await site.RecordAsync("alice", "hello");
        await site.WaitForJournalAsync(s => s.Dead == 1, "the turn dead");
        site.Server.Emulator.Faults = new FaultSettings();
        await using var viewer = await ViewedPage.OpenAsync(browser);
        var page = viewer.Page;
        await viewer.SignInAsync(site);
        // Another origin on the same machine (same site, other port), whose page posts a form to the dashboard as soon as it loads.
        await using var other = await OtherSite.StartAsync($"""
            <!doctype html><title>Elsewhere</title>
            <form id="f" method="post" action="{site.Page("requeue-dead")}"><input name="back" value="/memosync/dead"></form>
            <script>document.getElementById('f').submit();</script>
            """);

        var answer = await page.RunAndWaitForResponseAsync(() => page.GotoAsync(other.Root.ToString()), r => r.Url.EndsWith("/requeue-dead", StringComparison.Ordinal));

        Assert.Equal(403, answer.Status);
        Assert.Equal(1, (await site.Journal.GetStatusAsync()).Dead);
        var forged = await page.APIRequest.PostAsync(site.Page("requeue-dead"), new()
        {
            Headers = new Dictionary<string, string> { ["Origin"] = "http://attacker.example" },
            Form = page.APIRequest.CreateFormData(),
        });
        Assert.Equal(403, forged.Status);
        Assert.Equal(1, (await site.Journal.GetStatusAsync()).Dead);
    }

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

    /// <summary>A web site on another loopback port: another origin, as an attacker's page would be.</summary>
    private sealed class OtherSite(WebApplication app, Uri root) : IAsyncDisposable
    {
        public Uri Root => root;

        public static async Task<OtherSite> StartAsync(string html)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
            var app = builder.Build();
            app.MapGet("/", (RequestDelegate)(context =>
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                return context.Response.WriteAsync(html);
            }));
            await app.StartAsync();
            var address = app.Urls.First();
            return new OtherSite(app, new Uri(address));
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
