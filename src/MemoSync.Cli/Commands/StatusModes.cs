using System.CommandLine;
using MemoSync.Cli.Operations;
using MemoSync.Journal;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MemoSync.Cli.Commands;

/// <summary>
/// <c>memosync status --watch</c> (a live view: counts, delivery rate and latency, the oldest pending turn, the
/// latest errors) and <c>memosync status --check</c> (exit 8 when the journal is unhealthy, for cron or monitoring).
/// </summary>
internal sealed class StatusModes
{
    private readonly Option<bool> _watch = new("--watch") { Description = "Refresh a live view until Ctrl+C." };
    private readonly Option<double> _interval = new("--interval") { Description = "Seconds between refreshes of --watch.", DefaultValueFactory = _ => 2 };
    private readonly Option<int> _refreshes = new("--refreshes") { Description = "Stop --watch after this many refreshes (0: until Ctrl+C).", DefaultValueFactory = _ => 0 };
    private readonly Option<int?> _metricsPort = new("--metrics-port") { Description = "The daemon's metrics port, for the delivery rate and latency in --watch." };
    private readonly Option<bool> _check = new("--check") { Description = $"Exit {ExitCodes.Unhealthy} with the reasons when the journal is unhealthy (for cron or monitoring)." };
    private readonly Option<long> _maxPending = new("--max-pending") { Description = "--check: pending turns allowed (the guide's limit: 10).", DefaultValueFactory = _ => 10 };
    private readonly Option<long> _maxDead = new("--max-dead") { Description = "--check: dead turns allowed.", DefaultValueFactory = _ => 0 };
    private readonly Option<double?> _maxAge = new("--max-age") { Description = "--check: seconds the oldest pending turn may have waited." };

    /// <summary>Adds the options to <c>memosync status</c>.</summary>
    public static StatusModes AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var modes = new StatusModes();
        foreach (var option in new Option[] { modes._watch, modes._interval, modes._refreshes, modes._metricsPort, modes._check, modes._maxPending, modes._maxDead, modes._maxAge })
        {
            command.Options.Add(option);
        }
        return modes;
    }

    /// <summary>Runs <c>--check</c> or <c>--watch</c> and returns the exit code; null when neither was asked for.</summary>
    public async Task<int?> RunAsync(ParseResult result, IDialogueJournal journal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(journal);
        if (result.GetValue(_check))
        {
            var health = new JournalHealth(result.GetValue(_maxPending), result.GetValue(_maxDead),
                result.GetValue(_maxAge) is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
            var status = await journal.GetStatusAsync(0, ct);
            var problems = health.Problems(status, DateTimeOffset.UtcNow);
            foreach (var problem in problems)
            {
                Console.WriteLine($"UNHEALTHY: {problem}");
            }
            if (problems.Count == 0)
            {
                Console.WriteLine($"OK: {status.Pending} pending, {status.Dead} dead");
            }
            return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Unhealthy;
        }
        if (result.GetValue(_watch))
        {
            await WatchAsync(journal, TimeSpan.FromSeconds(Math.Max(0.1, result.GetValue(_interval))), result.GetValue(_refreshes), result.GetValue(_metricsPort), ct);
            return 0;
        }
        return null;
    }

    private static async Task WatchAsync(IDialogueJournal journal, TimeSpan interval, int refreshes, int? metricsPort, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        WatchSample? previous = null;
        try
        {
            await AnsiConsole.Live(new Text("reading the journal...")).StartAsync(async live =>
            {
                for (var n = 1; refreshes == 0 || n <= refreshes; n++)
                {
                    var sample = new WatchSample(DateTimeOffset.UtcNow, await journal.GetStatusAsync(5, ct),
                        metricsPort is { } port ? await PrometheusScrape.ReadAsync(http, port, ct) : null);
                    live.UpdateTarget(Render(sample, previous, metricsPort));
                    live.Refresh();
                    previous = sample;
                    if (refreshes == 0 || n < refreshes)
                    {
                        await Task.Delay(interval, ct);
                    }
                }
            });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C ends the watch.
        }
    }

    private static Rows Render(WatchSample now, WatchSample? before, int? metricsPort)
    {
        var status = now.Status;
        var oldest = status.OldestPending is { } at ? $"{now.At - at:d\\.hh\\:mm\\:ss} ago" : "none";
        var counts = new Table().AddColumns("pending", "synced", "dead", "oldest pending", "delivered/s", "latency (mean)")
            .AddRow(status.Pending.ToString(), status.Synced.ToString(), status.Dead.ToString(), oldest, Rate(now, before), Latency(now, before, metricsPort));
        var errors = new Table().AddColumns("turn", "user", "state", "retries", "last error");
        foreach (var error in status.RecentErrors)
        {
            errors.AddRow(error.TurnId.ToString(), Markup.Escape(error.UserId), error.State.ToString(), error.RetryCount.ToString(), Markup.Escape(error.Error));
        }
        IRenderable[] parts =
        [
            new Markup($"[bold]memosync status[/] at {now.At:yyyy-MM-dd HH:mm:ss} UTC (Ctrl+C to stop)"),
            counts,
            status.RecentErrors.Count == 0 ? new Markup("[green]no errors[/]") : errors,
        ];
        return new Rows(parts);
    }

    /// <summary>Deliveries per second since the last refresh: from the daemon's counter when it is scraped, else from the synced count.</summary>
    private static string Rate(WatchSample now, WatchSample? before)
    {
        if (before is null)
        {
            return "…";
        }
        var seconds = (now.At - before.At).TotalSeconds;
        var delivered = now.Metrics?["memosync_delivery_delivered_total"] is { } total && before.Metrics?["memosync_delivery_delivered_total"] is { } last
            ? total - last
            : Math.Max(0, now.Status.Synced - before.Status.Synced);
        return (delivered / seconds).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The mean recorded→delivered latency of the deliveries since the last refresh, from the daemon's histogram.</summary>
    private static string Latency(WatchSample now, WatchSample? before, int? metricsPort)
    {
        if (metricsPort is null)
        {
            return "give --metrics-port";
        }
        if (now.Metrics is null)
        {
            return $"no answer on port {metricsPort}";
        }
        const string Sum = "memosync_delivery_latency_milliseconds_sum", Count = "memosync_delivery_latency_milliseconds_count";
        var count = (now.Metrics[Count] ?? 0) - (before?.Metrics?[Count] ?? 0);
        var sum = (now.Metrics[Sum] ?? 0) - (before?.Metrics?[Sum] ?? 0);
        return count > 0 ? $"{sum / count:0.0} ms" : "no delivery";
    }

    private sealed record WatchSample(DateTimeOffset At, JournalStatus Status, PrometheusScrape? Metrics);
}
