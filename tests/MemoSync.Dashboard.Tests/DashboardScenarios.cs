using MemoSync.Emulator;
using MemoSync.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MemoSync.Dashboard.Tests;

/// <summary>
/// What a person does with the dashboard in a browser, and what must then hold, against any <see cref="DashboardUnderTest"/>:
/// the application's dashboard and the daemon's must behave the same. Each screenshot's name begins with <c>screenshots</c>.
/// </summary>
public static class DashboardScenarios
{
    /// <summary>Long enough for a retry after an outage on a slow, shared machine.</summary>
    public static readonly LocatorAssertionsToHaveTextOptions Eventually = new() { Timeout = 90_000 };

    /// <summary>The overview shows the journal's counts during an outage and follows them, without a reload, once Memobase is back.</summary>
    public static async Task OverviewFollowsAnOutageAsync(Browser browser, DashboardUnderTest site, string screenshots)
    {
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
        await viewer.ScreenshotAsync($"{screenshots}overview-outage");

        site.Server.Emulator.Faults = new FaultSettings();

        await Expect(page.Locator("#memobase-state")).ToHaveTextAsync("Reachable", Eventually);
        await Expect(page.Locator("#count-synced")).ToHaveTextAsync("4", Eventually);
        await Expect(page.Locator("#count-pending")).ToHaveTextAsync("0", Eventually);
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded");
        Assert.Equal(4, (await site.Journal.GetStatusAsync()).Synced);
        await Expect(page.Locator("#delivered-desc")).ToContainTextAsync("4 turns delivered in the last hour");
        await viewer.ScreenshotAsync($"{screenshots}overview");
        Assert.Empty(viewer.OffLoopback());
    }

    /// <summary>A signed-in viewer requeues a dead turn from the Dead page; it is then delivered, and its messages shown.</summary>
    public static async Task DeadTurnIsRequeuedFromThePageAsync(Browser browser, DashboardUnderTest site, string screenshots)
    {
        await using var viewer = await ViewedPage.OpenAsync(browser);
        var turn = (await DeadTurnsThenSignInAsync(site, viewer, ("alice", "My cat is called Mimi")))[0];
        var page = viewer.Page;

        await page.GotoAsync(site.Page("dead"));
        var row = page.Locator($"#turn-{turn.Id}");
        await Expect(row).ToContainTextAsync("Unable to parse blob");
        await viewer.ScreenshotAsync($"{screenshots}dead");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Requeue turn {turn.Id}" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Requeued 1 turn: it is due now.");
        await site.WaitForJournalAsync(s => s.Synced == 1 && s.Dead == 0, "the turn synced");
        Assert.Contains(turn.Id, await site.Server.StoredTurnIdsAsync("alice"));
        await page.GotoAsync(site.Page("user?id=alice"));
        await Expect(page.Locator($"#turn-{turn.Id}")).ToContainTextAsync("synced");
        await page.Locator($"#turn-{turn.Id} summary").ClickAsync();
        await Expect(page.Locator($"#turn-{turn.Id} .messages")).ToContainTextAsync("My cat is called Mimi");
        await viewer.ScreenshotAsync($"{screenshots}user");
        Assert.Empty(viewer.OffLoopback());
    }

    /// <summary>Requeueing all of a user's dead turns asks first, on a page of its own, and leaves other users' dead turns alone.</summary>
    public static async Task RequeueingAUsersDeadTurnsAsksFirstAsync(Browser browser, DashboardUnderTest site, string screenshots)
    {
        await using var viewer = await ViewedPage.OpenAsync(browser);
        var dead = await DeadTurnsThenSignInAsync(site, viewer, ("bob", "first"), ("bob", "second"), ("carol", "third"));
        var page = viewer.Page;
        await page.GotoAsync(site.Page("user?id=bob"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Requeue this user's 2 dead turns…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("Requeue the 2 dead turns of user bob?");
        Assert.Equal(3, (await site.Journal.GetStatusAsync()).Dead);
        await viewer.ScreenshotAsync($"{screenshots}requeue-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Requeue 2 dead turns" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Requeued 2 turns: they are due now.");
        await site.WaitForJournalAsync(s => s.Synced == 2, "bob's turns synced");
        Assert.Equal(TurnState.Dead, (await site.Journal.GetAsync(dead[2].Id))!.State);
    }

    /// <summary>A page of another origin posts a requeue to the dashboard from a signed-in browser: refused, and nothing requeued.</summary>
    public static async Task CrossSitePostIsRefusedAsync(Browser browser, DashboardUnderTest site)
    {
        await using var viewer = await ViewedPage.OpenAsync(browser);
        await DeadTurnsThenSignInAsync(site, viewer, ("alice", "hello"));
        var page = viewer.Page;
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

    /// <summary>Records <paramref name="turns"/> while Memobase refuses them until they are dead, lets Memobase take turns again, and signs <paramref name="viewer"/> in.</summary>
    private static async Task<IReadOnlyList<Turn>> DeadTurnsThenSignInAsync(DashboardUnderTest site, ViewedPage viewer, params (string User, string Said)[] turns)
    {
        site.Server.Emulator.Faults = new FaultSettings { RejectRate = 1 };
        var dead = new List<Turn>();
        foreach (var (user, said) in turns)
        {
            dead.Add(await site.RecordAsync(user, said));
        }
        await site.WaitForJournalAsync(s => s.Dead == turns.Length, $"{turns.Length} turns dead");
        site.Server.Emulator.Faults = new FaultSettings();
        await viewer.SignInAsync(site);
        return dead;
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
