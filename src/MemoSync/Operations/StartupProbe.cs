using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Memobase.Errors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemoSync.Operations;

/// <summary>
/// Runs before the host reports itself started (and so before systemd hears <c>READY=1</c>): opens the
/// journal and tries Memobase once. An unreachable Memobase is logged, not fatal: the turns wait in the
/// journal and the sweeper delivers them when it is back; a journal that cannot be opened stops the start.
/// </summary>
public sealed partial class StartupProbe(IDialogueJournal journal, MemobaseClient client, ILogger<StartupProbe> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var status = await journal.GetStatusAsync(0, cancellationToken);
        LogJournal(logger, status.Pending, status.Dead);
        try
        {
            await client.HealthCheckAsync(cancellationToken);
            LogMemobase(logger, client.ApiRoot);
        }
        catch (MemobaseException e)
        {
            LogMemobaseDown(logger, e.Kind, e.Message);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Journal open: {Pending} pending, {Dead} dead")]
    private static partial void LogJournal(ILogger logger, long pending, long dead);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Memobase answers at {ApiRoot}")]
    private static partial void LogMemobase(ILogger logger, Uri apiRoot);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Memobase is not usable yet ({Kind}): {Reason}; turns wait in the journal")]
    private static partial void LogMemobaseDown(ILogger logger, MemobaseErrorKind kind, string reason);
}
