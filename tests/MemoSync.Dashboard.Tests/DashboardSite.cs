using System.Net;
using MemoSync.Delivery;
using MemoSync.Dialogue;
using MemoSync.Hosting;
using MemoSync.Journal;
using MemoSync.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemoSync.Dashboard.Tests;

/// <summary>
/// An ASP.NET Core application wired by <c>AddMemoSync</c> with the dashboard mapped, on a free loopback port, delivering
/// to an emulator over loopback from a real SQLite journal. Failed turns come back within a second or two, so an outage
/// and its end are seen in seconds.
/// </summary>
public sealed class DashboardSite : IAsyncDisposable
{
    /// <summary>The dashboard token of every test site.</summary>
    public const string Token = "dashboard-test-token-51c9";

    private readonly WebApplication _app;
    private readonly DirectoryInfo _dir;

    private DashboardSite(WebApplication app, RunningEmulator server, DirectoryInfo dir, Uri root)
    {
        _app = app;
        _dir = dir;
        Server = server;
        Root = root;
    }

    /// <summary>The emulator the site delivers to.</summary>
    public RunningEmulator Server { get; }

    /// <summary>The dashboard's address, <c>http://127.0.0.1:port/memosync/</c>.</summary>
    public Uri Root { get; }

    public IDialogueJournal Journal => _app.Services.GetRequiredService<IDialogueJournal>();

    /// <summary>Starts the site; <paramref name="configure"/> changes the dashboard's options after the token is set.</summary>
    public static async Task<DashboardSite> StartAsync(Action<DashboardOptions>? configure = null)
    {
        var server = await RunningEmulator.StartAsync();
        var dir = Directory.CreateTempSubdirectory("memosync-dashboard-");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = Path.Combine(dir.FullName, "memosync.db"),
            ["MEMOBASE_SYNC_INTERVAL"] = "1",
        });
        builder.Services.AddMemoSync(builder.Configuration, o => o.Delivery = o.Delivery with
        {
            RetryDelay = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(2),
            DeadAfter = 1000,
        });
        var app = builder.Build();
        app.MapMemoSyncDashboard(configure: o =>
        {
            o.Token = Token;
            o.RefreshInterval = TimeSpan.FromMilliseconds(500);
            configure?.Invoke(o);
        });
        await app.StartAsync();
        var address = app.Urls.First();
        return new DashboardSite(app, server, dir, new Uri(address.TrimEnd('/') + "/memosync/"));
    }

    /// <summary>A page of the dashboard: <c>users</c>, <c>dead</c>, or empty for the overview.</summary>
    public string Page(string path = "") => new Uri(Root, path).ToString();

    /// <summary>Records a turn of <paramref name="user"/> through the application's recorder, as an application does.</summary>
    public async Task<Turn> RecordAsync(string user, string said)
    {
        var recorder = _app.Services.GetRequiredService<DialogueRecorderFactory>().Create(user, "session-1");
        recorder.AddUserMessage(said);
        recorder.AddAssistantMessage($"You said: {said}");
        return await recorder.FinalizeTurnAsync() ?? throw new InvalidOperationException("the recorder recorded nothing");
    }

    /// <summary>Waits until the journal's status satisfies <paramref name="condition"/>; fails after a minute.</summary>
    public async Task WaitForJournalAsync(Func<JournalStatus, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!condition(await Journal.GetStatusAsync()))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the journal never got to: {what}; it holds {await Journal.GetStatusAsync()}");
            await Task.Delay(50);
        }
    }

    /// <summary>The delivery engine of the site.</summary>
    public DeliveryEngine Engine => _app.Services.GetRequiredService<DeliveryEngine>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Server.DisposeAsync();
        _dir.Delete(recursive: true);
    }
}
