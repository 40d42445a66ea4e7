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
public sealed class DashboardSite : DashboardUnderTest
{
    private readonly WebApplication _app;
    private readonly DirectoryInfo _dir;

    private DashboardSite(WebApplication app, RunningEmulator server, DirectoryInfo dir, Uri root)
    {
        _app = app;
        _dir = dir;
        Server = server;
        Root = root;
    }

    public override RunningEmulator Server { get; }

    public override Uri Root { get; }

    public override IDialogueJournal Journal => _app.Services.GetRequiredService<IDialogueJournal>();

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

    /// <summary>Records a turn of <paramref name="user"/> through the application's recorder, as an application does.</summary>
    public override async Task<Turn> RecordAsync(string user, string said)
    {
        var recorder = _app.Services.GetRequiredService<DialogueRecorderFactory>().Create(user, "session-1");
        recorder.AddUserMessage(said);
        recorder.AddAssistantMessage($"You said: {said}");
        return await recorder.FinalizeTurnAsync() ?? throw new InvalidOperationException("the recorder recorded nothing");
    }

    /// <summary>The delivery engine of the site.</summary>
    public DeliveryEngine Engine => _app.Services.GetRequiredService<DeliveryEngine>();

    public override async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Server.DisposeAsync();
        _dir.Delete(recursive: true);
    }
}
