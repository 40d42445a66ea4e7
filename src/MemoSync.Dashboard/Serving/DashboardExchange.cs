using System.Collections.Specialized;
using System.Net;
using System.Text;
using System.Web;

namespace MemoSync.Dashboard.Serving;

/// <summary>
/// One request and its response, as the dashboard's handlers see them, whichever server carries them: an ASP.NET Core
/// application (<see cref="AspNetCore.HttpContextExchange"/>) or the daemon's <see cref="DashboardListener"/>. Only what
/// the handlers use, so that serving the dashboard without ASP.NET Core loads none of it.
/// </summary>
internal abstract class DashboardExchange
{
    /// <summary>The most an action's form may take: the dashboard's own forms hold a turn id, a path and a token.</summary>
    public const int FormLimit = 8 * 1024;

    private const string FormType = "application/x-www-form-urlencoded";

    public abstract string Method { get; }

    /// <summary>Where the application is mounted (ASP.NET Core's path base); empty for the listener.</summary>
    public abstract string PathBase { get; }

    /// <summary>The path after <see cref="PathBase"/>, the dashboard's prefix included.</summary>
    public abstract string Path { get; }

    /// <summary>The query's names and values, in order.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> Query { get; }

    public abstract string Scheme { get; }

    /// <summary>The host and port the request was sent to, as the client said it (its <c>Host</c>).</summary>
    public abstract string Host { get; }

    public abstract IPAddress? LocalAddress { get; }

    public abstract IPAddress? RemoteAddress { get; }

    /// <summary>Ends when the client leaves or the server stops.</summary>
    public abstract CancellationToken Aborted { get; }

    /// <summary>A request header's value, empty when absent.</summary>
    public abstract string Header(string name);

    /// <summary>A cookie's value, or null when absent.</summary>
    public abstract string? Cookie(string name);

    /// <summary>Sets the response's status code.</summary>
    public abstract void Status(int status);

    /// <summary>Sets a response header, replacing any value it had.</summary>
    public abstract void SetHeader(string name, string value);

    /// <summary>Adds a <c>Set-Cookie</c> header (<see cref="Security.DashboardAccess"/> writes it).</summary>
    public abstract void AddCookie(string setCookie);

    /// <summary>Writes the response's body, all of it at once.</summary>
    public abstract Task WriteAsync(ReadOnlyMemory<byte> body, string contentType);

    protected abstract long? ContentLength { get; }

    protected abstract Stream RequestBody { get; }

    /// <summary>A query value, empty when absent.</summary>
    public string QueryValue(string name) => Query.FirstOrDefault(q => q.Key == name).Value ?? "";

    /// <summary>Writes <paramref name="text"/> as UTF-8.</summary>
    public Task WriteAsync(string text, string contentType) => WriteAsync(Encoding.UTF8.GetBytes(text), contentType);

    /// <summary>Whether the request's body is a URL-encoded form, as the dashboard's forms send.</summary>
    public bool HasForm => Header("Content-Type").StartsWith(FormType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The request's form, or null when it is larger than <see cref="FormLimit"/>.</summary>
    public async Task<NameValueCollection?> ReadFormAsync()
    {
        if (ContentLength > FormLimit)
        {
            return null;
        }
        var buffer = new byte[FormLimit + 1];
        var read = 0;
        int last;
        while (read < buffer.Length && (last = await RequestBody.ReadAsync(buffer.AsMemory(read), Aborted).ConfigureAwait(false)) > 0)
        {
            read += last;
        }
        return read > FormLimit ? null : HttpUtility.ParseQueryString(Encoding.UTF8.GetString(buffer, 0, read));
    }
}
