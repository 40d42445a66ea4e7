using System.Collections.Concurrent;
using System.Net;
using MemoSync.TestSupport;
using Microsoft.Playwright;

namespace MemoSync.Dashboard.Tests;

/// <summary>
/// A browser page in a context of its own (its own cookies), with every request it makes written down, so a test can
/// say that none left loopback; and screenshots at a desktop and a phone width, kept with the test results.
/// </summary>
public sealed class ViewedPage : IAsyncDisposable
{
    /// <summary>A desktop window and a phone's.</summary>
    public static readonly (string Name, int Width, int Height)[] Widths = [("desktop", 1280, 900), ("phone", 390, 844)];

    private readonly IBrowserContext _context;

    private ViewedPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Request += (_, request) => Requests.Enqueue(request.Url);
    }

    public IPage Page { get; }

    /// <summary>Every URL the page requested.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Where screenshots go: <c>screenshots/</c> in the test results (<c>MEMOSYNC_TEST_RESULTS</c>, or artifacts/test-results).</summary>
    public static string ScreenshotFolder => Path.Combine(
        Environment.GetEnvironmentVariable("MEMOSYNC_TEST_RESULTS") is { Length: > 0 } results ? results : Path.Combine(Repository.Root, "artifacts", "test-results"),
        "screenshots");

    public static async Task<ViewedPage> OpenAsync(Browser browser)
    {
        var context = await browser.Chromium.NewContextAsync(new() { ViewportSize = new() { Width = Widths[0].Width, Height = Widths[0].Height } });
        return new ViewedPage(context, await context.NewPageAsync());
    }

    /// <summary>The requests that went anywhere but loopback.</summary>
    public IReadOnlyList<string> OffLoopback() => Requests
        .Where(url => !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
            !IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) || !IPAddress.IsLoopback(address))
        .Where(url => !url.StartsWith("data:", StringComparison.Ordinal))
        .ToList();

    /// <summary>Screenshots of the whole page at each width, named <c>{name}-desktop.png</c> and <c>{name}-phone.png</c>; returns their paths.</summary>
    public async Task<IReadOnlyList<string>> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var paths = new List<string>();
        foreach (var (width, w, h) in Widths)
        {
            await Page.SetViewportSizeAsync(w, h);
            var path = Path.Combine(ScreenshotFolder, $"{name}-{width}.png");
            await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
            paths.Add(path);
        }
        await Page.SetViewportSizeAsync(Widths[0].Width, Widths[0].Height);
        return paths;
    }

    /// <summary>Signs in through the dashboard's form, as a person does.</summary>
    public async Task SignInAsync(DashboardUnderTest site, string token = DashboardUnderTest.Token)
    {
        await Page.GotoAsync(site.Page("login"));
        await Page.GetByLabel("Dashboard token").FillAsync(token);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
