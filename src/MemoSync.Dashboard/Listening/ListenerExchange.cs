using System.Net;
using System.Web;
using MemoSync.Dashboard.Serving;

namespace MemoSync.Dashboard.Listening;

/// <summary>A request to the daemon's <see cref="DashboardListener"/>.</summary>
internal sealed class ListenerExchange(HttpListenerContext context, CancellationToken stopping) : DashboardExchange
{
    private IReadOnlyList<KeyValuePair<string, string>>? _query;

    public override string Method => context.Request.HttpMethod;

    public override string PathBase => "";

    public override string Path => context.Request.Url?.AbsolutePath ?? "/";

    public override IReadOnlyList<KeyValuePair<string, string>> Query => _query ??= ParseQuery();

    public override string Scheme => context.Request.IsSecureConnection ? "https" : "http";

    public override string Host => context.Request.UserHostName ?? "";

    public override IPAddress? LocalAddress => context.Request.LocalEndPoint?.Address;

    public override IPAddress? RemoteAddress => context.Request.RemoteEndPoint?.Address;

    public override CancellationToken Aborted => stopping;

    /// <summary>Whether the status line and headers have gone out, so that a failure can no longer be answered with a 500.</summary>
    public bool Started { get; private set; }

    protected override long? ContentLength => context.Request.ContentLength64 is var length and >= 0 ? length : null;

    protected override Stream RequestBody => context.Request.InputStream;

    public override string Header(string name) => context.Request.Headers[name] ?? "";

    public override string? Cookie(string name) => context.Request.Cookies[name]?.Value;

    public override void Status(int status) => context.Response.StatusCode = status;

    public override void SetHeader(string name, string value) => context.Response.Headers[name] = value;

    public override void AddCookie(string setCookie) => context.Response.AppendHeader("Set-Cookie", setCookie);

    public override async Task WriteAsync(ReadOnlyMemory<byte> body, string contentType)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = body.Length;
        Started = true;
        await context.Response.OutputStream.WriteAsync(body, Aborted).ConfigureAwait(false);
    }

    /// <summary>The query as the client sent it, decoded as UTF-8 (the listener's own decoding follows the request's content type).</summary>
    private List<KeyValuePair<string, string>> ParseQuery()
    {
        var raw = context.Request.Url?.Query ?? "";
        var values = HttpUtility.ParseQueryString(raw);
        return values.AllKeys.OfType<string>().Select(key => KeyValuePair.Create(key, values[key] ?? "")).ToList();
    }
}
