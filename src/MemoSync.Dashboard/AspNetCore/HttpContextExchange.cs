using System.Net;
using MemoSync.Dashboard.Serving;
using Microsoft.AspNetCore.Http;

namespace MemoSync.Dashboard.AspNetCore;

/// <summary>A request to the dashboard mapped into an ASP.NET Core application.</summary>
internal sealed class HttpContextExchange(HttpContext context) : DashboardExchange
{
    private IReadOnlyList<KeyValuePair<string, string>>? _query;

    public override string Method => context.Request.Method;

    public override string PathBase => context.Request.PathBase.Value ?? "";

    public override string Path => context.Request.Path.Value ?? "";

    public override IReadOnlyList<KeyValuePair<string, string>> Query =>
        _query ??= context.Request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString())).ToList();

    public override string Scheme => context.Request.Scheme;

    public override string Host => context.Request.Host.Value ?? "";

    public override IPAddress? LocalAddress => context.Connection.LocalIpAddress;

    public override IPAddress? RemoteAddress => context.Connection.RemoteIpAddress;

    public override CancellationToken Aborted => context.RequestAborted;

    protected override long? ContentLength => context.Request.ContentLength;

    protected override Stream RequestBody => context.Request.Body;

    public override string Header(string name) => context.Request.Headers[name].ToString();

    public override string? Cookie(string name) => context.Request.Cookies[name];

    public override void Status(int status) => context.Response.StatusCode = status;

    public override void SetHeader(string name, string value) => context.Response.Headers[name] = value;

    public override void AddCookie(string setCookie) => context.Response.Headers.Append("Set-Cookie", setCookie);

    public override async Task WriteAsync(ReadOnlyMemory<byte> body, string contentType)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, Aborted).ConfigureAwait(false);
    }
}
