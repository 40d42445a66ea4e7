using MemoSync.Emulator.Admin;
using MemoSync.Emulator.Api;

namespace MemoSync.Emulator.Faults;

/// <summary>
/// Injects the drawn fault into requests for the routes whose <see cref="RouteKind"/> takes faults: latency first, then a cut connection, an
/// HTTP error, an errno 500 envelope, an answer Memobase never gives (null data, a proxy's 404 page),
/// or a blob insert that is stored but whose answer is lost.
/// The healthcheck fails only during an outage, as a server whose database is down.
/// </summary>
internal sealed class FaultMiddleware(RequestDelegate next, FaultInjector injector, ReceivedLedger ledger, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var kind = RouteKind.Of(http);
        if (!kind.TakesFaults)
        {
            await next(http);
            return;
        }
        var (fault, latency, settings) = injector.Draw(kind == RouteKind.BlobInsert);
        if (kind == RouteKind.Healthcheck && !settings.Outage)
        {
            await next(http);
            return;
        }
        ledger.CountRequest(fault);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, time, http.RequestAborted);
        }
        switch (fault)
        {
            case Fault.Drop:
                http.Abort();
                return;
            case Fault.Http500:
                await Results.Text("Internal Server Error", statusCode: 500).ExecuteAsync(http);
                return;
            case Fault.Http503:
                await new Detail("Service Unavailable").ToResult(503).ExecuteAsync(http);
                return;
            case Fault.Http429:
                http.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await new Detail("Too Many Requests").ToResult(429).ExecuteAsync(http);
                return;
            case Fault.Errno500:
                await Envelope.Unknown("injected fault").ExecuteAsync(http);
                return;
            case Fault.Quota:
                await Envelope.Fail(503, "Your project reaches Memobase token limit, Left: -1, this project used: 0. Your quota will be refilled on "
                    + $"{time.GetUtcNow().AddDays(1):yyyy-MM-dd}. \nhttps://www.memobase.io/pricing for more information.").ExecuteAsync(http);
                return;
            case Fault.NullData:
                await Envelope.Ok().ExecuteAsync(http);
                return;
            case Fault.ProxyNotFound:
                await Results.Text("404 page not found", "text/plain", statusCode: 404).ExecuteAsync(http);
                return;
            case Fault.Reject:
                await Envelope.Fail(400, "Unable to parse blob: injected fault").ExecuteAsync(http);
                return;
            case Fault.LoseAnswer:
                await StoreThenCutAsync(http);
                return;
            default:
                await next(http);
                return;
        }
    }

    /// <summary>Runs the insert with its answer held back, then cuts the connection instead of sending it.</summary>
    private async Task StoreThenCutAsync(HttpContext http)
    {
        var original = http.Response.Body;
        http.Response.Body = Stream.Null;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        http.Abort();
    }
}
