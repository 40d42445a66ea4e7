using Microsoft.Playwright;

namespace MemoSync.Dashboard.Tests;

/// <summary>
/// Debian's chromium, driven by Playwright through its executable path (no browser is downloaded), headless and kept from
/// calling home, so that every request it makes is one the page asked for. One browser for a test class.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    /// <summary>Where the browser is: <c>MEMOSYNC_TEST_CHROMIUM</c>, or Debian's <c>/usr/bin/chromium</c>.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("MEMOSYNC_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new FileNotFoundException($"chromium is not at {ExecutablePath}: scripts/test installs Debian's chromium package (apt-get install -y chromium).");
        }
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright?.Dispose();
    }
}
