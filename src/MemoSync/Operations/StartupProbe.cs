using MemoSync.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemoSync.Operations;

/// <summary>
/// Runs before the host reports itself started (and so before systemd hears <c>READY=1</c>): opens the journal
/// and reads it once, so a journal that cannot be opened stops the start instead of the first delivery.
/// </summary>
public sealed partial class StartupProbe(IDialogueJournal journal, ILogger<StartupProbe> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var status = await journal.GetStatusAsync(0, cancellationToken);
        LogJournal(logger, status.Pending, status.Dead);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Journal open: {Pending} pending, {Dead} dead")]
    private static partial void LogJournal(ILogger logger, long pending, long dead);
}
