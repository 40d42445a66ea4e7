using System.Globalization;
using MemoSync.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace MemoSync.Cli.Operations;

/// <summary>
/// systemd's watchdog (<c>WatchdogSec=</c>): when the service manager asked for pings (<c>WATCHDOG_USEC</c>,
/// for this process), sends <c>WATCHDOG=1</c> every half period, each time only after the journal answered,
/// so a daemon whose journal hangs is restarted by systemd.
/// </summary>
internal sealed partial class SystemdWatchdog(ISystemdNotifier notifier, IDialogueJournal journal, TimeProvider time, ILogger<SystemdWatchdog> logger)
    : BackgroundService
{
    private static readonly ServiceState Alive = new("WATCHDOG=1");

    /// <summary>The ping period systemd asked for, or null when it asked for none (or asked another process).</summary>
    public static TimeSpan? RequestedPeriod(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable("WATCHDOG_PID") is { Length: > 0 } pid && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }
        return long.TryParse(variable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec)
            : null;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (RequestedPeriod(Environment.GetEnvironmentVariable) is not { } period || !notifier.IsEnabled)
        {
            return;
        }
        var every = period / 2;
        LogStarted(logger, every.TotalSeconds);
        using var timer = new PeriodicTimer(every, time);
        // The first ping waits a tick: it never comes before READY=1, which the host sends once every service started.
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await journal.GetAsync(Guid.Empty, stoppingToken);
                notifier.Notify(Alive);
            }
            catch (JournalUnavailableException e)
            {
                // No ping: if the journal stays unreadable, systemd restarts the daemon.
                LogJournalDown(logger, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "systemd watchdog: pinging every {Seconds} s")]
    private static partial void LogStarted(ILogger logger, double seconds);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "systemd watchdog: no ping, the journal does not answer: {Reason}")]
    private static partial void LogJournalDown(ILogger logger, string reason);
}
