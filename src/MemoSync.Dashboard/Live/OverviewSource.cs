using MemoSync.Delivery;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Memobase.Errors;

namespace MemoSync.Dashboard.Live;

/// <summary>
/// Reads the overview at most once per refresh interval, however many viewers poll: a look at the journal counts every
/// turn and Memobase's healthcheck is a request, so a dozen open tabs must cost what one does. Viewers who ask while a
/// read is under way share it.
/// </summary>
internal sealed class OverviewSource(IJournalAdmin journal, DeliveryEngine? engine, Func<IMemobaseClient> client, TimeProvider time, TimeSpan interval)
{
    private const int RecentErrors = 5;

    private readonly Lock _gate = new();
    private Overview? _last;
    private Task<Overview>? _reading;

    /// <summary>The latest overview, read again when the one held is older than the refresh interval.</summary>
    public Task<Overview> GetAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_last is { } last && time.GetUtcNow() - last.At < interval)
            {
                return Task.FromResult(last);
            }
            // Not cancelled by this viewer leaving: others may be waiting for the same read.
            return (_reading ??= ReadAndKeepAsync()).WaitAsync(ct);
        }
    }

    private async Task<Overview> ReadAndKeepAsync()
    {
        try
        {
            var overview = await ReadAsync().ConfigureAwait(false);
            lock (_gate)
            {
                _last = overview;
            }
            return overview;
        }
        finally
        {
            lock (_gate)
            {
                _reading = null;
            }
        }
    }

    private async Task<Overview> ReadAsync()
    {
        var memobase = ProbeAsync();
        JournalStatus? status = null;
        string? journalError = null;
        try
        {
            status = await journal.GetStatusAsync(RecentErrors).ConfigureAwait(false);
        }
        catch (JournalUnavailableException e)
        {
            journalError = e.Message;
        }
        var now = time.GetUtcNow();
        return new Overview(now, status, journalError, engine?.State, engine?.Statistics.History.LastHour(now) ?? [], await memobase.ConfigureAwait(false));
    }

    /// <summary>Memobase's healthcheck, within the refresh interval (2 s at least): an overview is not held up by a Memobase that hangs.</summary>
    private async Task<Reachability> ProbeAsync()
    {
        var memobase = client();
        using var wait = new CancellationTokenSource(interval < TimeSpan.FromSeconds(2) ? TimeSpan.FromSeconds(2) : interval);
        try
        {
            await memobase.HealthCheckAsync(wait.Token).ConfigureAwait(false);
            return new Reachability(true, memobase.ApiRoot, null);
        }
        catch (MemobaseException e)
        {
            return new Reachability(false, memobase.ApiRoot, e.Message);
        }
        catch (OperationCanceledException)
        {
            return new Reachability(false, memobase.ApiRoot, "no answer to the healthcheck in time");
        }
    }
}
