using MemoSync.Journal;
using MemoSync.TestSupport;

namespace MemoSync.Dashboard.Tests;

/// <summary>
/// A dashboard served over loopback from a real SQLite journal, delivering to an emulator: an application's
/// (<see cref="DashboardSite"/>, ASP.NET Core) or the daemon's (<see cref="DaemonSite"/>, its own listener). The browser
/// scenarios (<see cref="DashboardScenarios"/>) run against either.
/// </summary>
public abstract class DashboardUnderTest : IAsyncDisposable
{
    /// <summary>The dashboard token of every test dashboard.</summary>
    public const string Token = "dashboard-test-token-51c9";

    /// <summary>The emulator the dashboard's MemoSync delivers to.</summary>
    public abstract RunningEmulator Server { get; }

    /// <summary>The dashboard's address, <c>http://127.0.0.1:port/memosync/</c>.</summary>
    public abstract Uri Root { get; }

    /// <summary>The journal the dashboard shows.</summary>
    public abstract IDialogueJournal Journal { get; }

    /// <summary>Records a turn of <paramref name="user"/>: what they said and the answer.</summary>
    public abstract Task<Turn> RecordAsync(string user, string said);

    /// <summary>A page of the dashboard: <c>users</c>, <c>dead</c>, or empty for the overview.</summary>
    public string Page(string path = "") => new Uri(Root, path).ToString();

    /// <summary>Waits until the journal's status satisfies <paramref name="condition"/>; fails after 90 s.</summary>
    public async Task WaitForJournalAsync(Func<JournalStatus, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!condition(await Journal.GetStatusAsync()))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the journal never got to: {what}; it holds {await Journal.GetStatusAsync()}");
            await Task.Delay(50);
        }
    }

    public abstract ValueTask DisposeAsync();
}
