using MemoSync.Delivery;
using MemoSync.Hosting;
using MemoSync.Journal;
using MemoSync.Journal.Jsonl;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemoSync.Following;

/// <summary>
/// Follows each file of <see cref="FollowOptions.Files"/> while the host runs: a look when the system notifies a change and
/// at least every <see cref="FollowOptions.PollInterval"/>; each line recorded wakes the delivery engine. A file that cannot
/// be read, or a journal that cannot be written, is logged and looked at again; nothing a file holds stops the following.
/// </summary>
internal sealed partial class JsonlFollowService(IDialogueJournal journal, DeliveryEngine engine, IOptions<MemoSyncOptions> options, TimeProvider time,
    ILogger<JsonlFollowService> logger) : BackgroundService
{
    // A file named twice (AddMemoSync called twice, a section and MEMOSYNC_FOLLOW) has one follower.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Value.Follow.Files.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).Select(path => FollowAsync(path, stoppingToken)));

    private async Task FollowAsync(string path, CancellationToken ct)
    {
        var follow = options.Value.Follow;
        using var changes = new FileChangeSignal(path, why => LogNoNotifications(path, why, follow.PollInterval.TotalMilliseconds));
        using var follower = new JsonlFollower(path, journal, new GuideJsonlImporter(journal, new TurnLimits()), follow.DefaultUser, engine.WakeUp, logger);
        LogFollowing(path);
        try
        {
            while (true)
            {
                try
                {
                    await follower.LookAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or JournalUnavailableException)
                {
                    LogLookFailed(path, e.Message);
                }
                await changes.WaitAsync(follow.PollInterval, time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The host stops: what was read is recorded and its place kept; a line half-read is read again at the next start.
        }
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Following {Path}: each line appended is recorded and delivered")]
    private partial void LogFollowing(string path);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Warning, Message = "Following {Path} failed for now, looking again: {Reason}")]
    private partial void LogLookFailed(string path, string reason);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Warning, Message = "{Path} gets no change notifications ({Reason}); it is looked at every {Milliseconds} ms")]
    private partial void LogNoNotifications(string path, string reason, double milliseconds);
}
