using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MemoSync.Dashboard.Serving;

namespace MemoSync.Dashboard.Security;

/// <summary>
/// Who may see and do what. A viewer signs in with the dashboard token (a form, or <c>Authorization: Bearer</c> for scripts)
/// and gets a session cookie that holds an expiry and a MAC keyed by the token, never the token itself; every comparison
/// is in constant time. Requests that change something must come from the dashboard's own pages: a browser says where a
/// request comes from (<c>Sec-Fetch-Site</c>, <c>Origin</c>), and the cookie is <c>SameSite=Strict</c> besides.
/// </summary>
internal sealed class DashboardAccess(DashboardOptions options, string cookiePath, TimeProvider time)
{
    private const string CookieName = "memosync_dashboard";

    private readonly byte[]? _key = options.Token is { Length: > 0 } token ? Encoding.UTF8.GetBytes(token) : null;

    /// <summary>Whether a token is set, so that anyone can sign in at all.</summary>
    public bool HasToken => _key is not null;

    /// <summary>Whether this request must be signed in even to look.</summary>
    public bool PagesNeedToken(DashboardExchange context) =>
        options.PagesRequireToken || context.LocalAddress is not { } local || !IPAddress.IsLoopback(local);

    /// <summary>Whether the request carries the token, or a session cookie that is the token's and has not expired.</summary>
    public bool IsSignedIn(DashboardExchange context)
    {
        if (_key is null)
        {
            return false;
        }
        if (context.Header("Authorization") is var header && header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return IsToken(header["Bearer ".Length..]);
        }
        return context.Cookie(CookieName) is { } cookie && IsSession(cookie);
    }

    /// <summary>Whether <paramref name="candidate"/> is the token, compared in constant time (their hashes, so even the length does not show).</summary>
    public bool IsToken(string? candidate) => _key is not null && candidate is not null &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(_key), SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));

    /// <summary>Gives the browser a session: an expiry and its MAC, readable by no script, sent to the dashboard's paths only, never cross-site.</summary>
    public void SignIn(DashboardExchange context)
    {
        var expires = time.GetUtcNow() + options.SessionLifetime;
        var value = string.Create(CultureInfo.InvariantCulture, $"{expires.ToUnixTimeSeconds()}.{Mac(expires.ToUnixTimeSeconds())}");
        context.AddCookie(Cookie(context, value, expires));
    }

    /// <summary>Ends the browser's session.</summary>
    public void SignOut(DashboardExchange context) => context.AddCookie(Cookie(context, "", DateTimeOffset.UnixEpoch));

    /// <summary>
    /// Why a request that changes something is refused as cross-site, or null when it comes from the dashboard's own page.
    /// A browser always sends <c>Origin</c> (and a current one <c>Sec-Fetch-Site</c>) with a form's POST; a request with
    /// neither is a script's, which is fine only when it carries the token itself rather than a browser's cookie.
    /// </summary>
    public static string? CrossSiteRefusal(DashboardExchange context)
    {
        var site = context.Header("Sec-Fetch-Site");
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return $"the request came from another site (Sec-Fetch-Site: {site})";
        }
        var origin = context.Header("Origin");
        if (origin.Length > 0 && !string.Equals(origin, $"{context.Scheme}://{context.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return "the request came from another origin";
        }
        if (site.Length == 0 && origin.Length == 0 && !context.Header("Authorization").StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return "the request does not say where it came from";
        }
        return null;
    }

    private bool IsSession(string cookie)
    {
        var dot = cookie.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || !long.TryParse(cookie.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires) ||
            expires < time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(expires)), Encoding.ASCII.GetBytes(cookie[(dot + 1)..]));
    }

    private string Mac(long expires) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_key!, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"memosync-dashboard-session:{expires}"))));

    /// <summary>The session cookie's <c>Set-Cookie</c>: for the dashboard's paths only, readable by no script, never sent cross-site, over HTTPS only when served so.</summary>
    private string Cookie(DashboardExchange context, string value, DateTimeOffset expires) =>
        string.Create(CultureInfo.InvariantCulture, $"{CookieName}={value}; expires={expires:R}; path={cookiePath}{(context.Scheme == "https" ? "; secure" : "")}; samesite=strict; httponly");
}
