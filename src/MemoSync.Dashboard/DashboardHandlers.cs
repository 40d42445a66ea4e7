using System.Globalization;
using MemoSync.Dashboard.Live;
using MemoSync.Dashboard.Pages;
using MemoSync.Dashboard.Security;
using MemoSync.Delivery;
using MemoSync.Journal;
using MemoSync.Memobase;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MemoSync.Dashboard;

/// <summary>
/// What each of the dashboard's paths does. Looking needs a sign-in only where <see cref="DashboardAccess.PagesNeedToken"/>
/// says so; acting always does, and must come from the dashboard's own page. MemoSync's services are looked up at the
/// first request, so mapping the dashboard opens nothing before the host has validated its options.
/// </summary>
internal sealed class DashboardHandlers
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private readonly string _prefix;
    private readonly DashboardOptions _options;
    private readonly DashboardAccess _access;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lazy<IDialogueJournal> _journal;
    private readonly Lazy<DeliveryEngine?> _engine;
    private readonly Lazy<OverviewSource> _overview;

    public DashboardHandlers(string prefix, DashboardOptions options, IServiceProvider services)
    {
        _prefix = prefix;
        _options = options;
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _access = new DashboardAccess(options, prefix.Length == 0 ? "/" : prefix, _time);
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger("MemoSync.Dashboard") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _journal = new(services.GetRequiredService<IDialogueJournal>);
        _engine = new(services.GetService<DeliveryEngine>);
        _overview = new(() => new OverviewSource(_journal.Value, _engine.Value, services.GetRequiredService<IMemobaseClient>, _time, options.RefreshInterval));
    }

    // ---- pages

    public async Task Overview(HttpContext context)
    {
        if (await Look(context) is { } page)
        {
            await Send(context, OverviewPage.Render(page, await _overview.Value.GetAsync(context.RequestAborted), _options.RefreshInterval));
        }
    }

    public async Task OverviewFragment(HttpContext context)
    {
        if (await Look(context) is { } page)
        {
            await Send(context, OverviewPage.Fragment(page, await _overview.Value.GetAsync(context.RequestAborted)));
        }
    }

    public async Task Users(HttpContext context)
    {
        if (await Look(context) is { } page)
        {
            var request = context.Request.Query;
            var query = new UserQuery(request["q"].ToString().Trim(), UsersPage.Parse(request["sort"]), request["dir"] == "desc");
            var users = await _journal.Value.ListUsersAsync(query, context.RequestAborted);
            await Send(context, UsersPage.Render(page, query, users, _time.GetUtcNow()));
        }
    }

    public async Task User(HttpContext context)
    {
        if (await Look(context) is { } page)
        {
            var userId = context.Request.Query["id"].ToString();
            var state = UserPage.Parse(context.Request.Query["state"]);
            var summary = await SummaryAsync(userId, context.RequestAborted);
            var turns = await _journal.Value.ListUserTurnsAsync(userId, state, UserPage.Limit, context.RequestAborted);
            await Send(context, UserPage.Render(page, userId, summary, state, turns, _time.GetUtcNow()));
        }
    }

    public Task Dead(HttpContext context) => TurnList(context, TurnState.Dead);

    public Task Pending(HttpContext context) => TurnList(context, TurnState.Pending);

    private async Task TurnList(HttpContext context, TurnState state)
    {
        if (await Look(context) is { } page)
        {
            var turns = await _journal.Value.ListAsync(state, TurnListPage.Limit, context.RequestAborted);
            await Send(context, TurnListPage.Render(page, state, turns, _time.GetUtcNow()));
        }
    }

    public async Task ConfirmRequeueDead(HttpContext context)
    {
        if (await Look(context) is not { } page)
        {
            return;
        }
        if (!page.SignedIn)
        {
            await Refuse(context, StatusCodes.Status401Unauthorized, "sign in with the dashboard token to requeue turns");
            return;
        }
        var userId = context.Request.Query["user"].ToString() is { Length: > 0 } user ? user : null;
        var dead = userId is null
            ? (await _journal.Value.GetStatusAsync(0, context.RequestAborted)).Dead
            : (await SummaryAsync(userId, context.RequestAborted))?.Dead ?? 0;
        await Send(context, ConfirmPage.Render(page, userId, dead));
    }

    public async Task Login(HttpContext context)
    {
        var page = Page(context, signedIn: _access.IsSignedIn(context));
        await Send(context, LoginPage.Render(page, Back(context, context.Request.Query["back"]), null));
    }

    public static async Task Asset(HttpContext context)
    {
        if (!DashboardAssets.TryGet(context.Request.RouteValues["name"] as string ?? "", out var bytes, out var type))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.ContentType = type;
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    // ---- actions

    public async Task SignIn(HttpContext context)
    {
        if (await Form(context, needsSignIn: false) is not { } form)
        {
            return;
        }
        var back = Back(context, form["back"]);
        if (!_access.IsToken(form["token"].ToString()))
        {
            LogRefused(context, "a wrong token was given to sign in");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await Send(context, LoginPage.Render(Page(context, signedIn: false), back, "That is not the dashboard token."));
            return;
        }
        _access.SignIn(context);
        DashboardLog.SignedIn(_logger, context.Connection.RemoteIpAddress);
        SeeOther(context, back);
    }

    public async Task SignOut(HttpContext context)
    {
        if (await Form(context, needsSignIn: false) is not null)
        {
            _access.SignOut(context);
            SeeOther(context, Root(context) + "/");
        }
    }

    public async Task Requeue(HttpContext context)
    {
        if (await Form(context, needsSignIn: true) is not { } form)
        {
            return;
        }
        if (!Guid.TryParse(form["turn"], out var turnId))
        {
            await Refuse(context, StatusCodes.Status400BadRequest, "the form's turn is not a turn id");
            return;
        }
        var requeued = await _journal.Value.RequeueAsync(turnId, context.RequestAborted);
        if (requeued)
        {
            DashboardLog.RequeuedTurn(_logger, turnId);
            _engine.Value?.WakeUp();
        }
        Done(context, form["back"], requeued ? 1 : 0);
    }

    public async Task RequeueDead(HttpContext context)
    {
        if (await Form(context, needsSignIn: true) is not { } form)
        {
            return;
        }
        var userId = form["user"].ToString() is { Length: > 0 } user ? user : null;
        var count = userId is null
            ? await _journal.Value.RequeueDeadAsync(context.RequestAborted)
            : await _journal.Value.RequeueDeadAsync(userId, context.RequestAborted);
        DashboardLog.RequeuedDead(_logger, count, userId ?? "every user");
        if (count > 0)
        {
            _engine.Value?.WakeUp();
        }
        Done(context, form["back"], count);
    }

    // ---- plumbing

    /// <summary>The page context when the viewer may look; otherwise answers 401 (or 403 with no token to sign in with) and returns null.</summary>
    private async Task<PageContext?> Look(HttpContext context)
    {
        var signedIn = _access.IsSignedIn(context);
        if (signedIn || !_access.PagesNeedToken(context))
        {
            return Page(context, signedIn);
        }
        if (!_access.HasToken)
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "the dashboard has no token, so it is open on loopback only");
            return null;
        }
        LogRefused(context, "not signed in");
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Send(context, LoginPage.Render(Page(context, signedIn: false), Here(context), null));
        return null;
    }

    /// <summary>The form of an action that came from the dashboard's own page (and, when <paramref name="needsSignIn"/>, from a signed-in viewer); null when refused.</summary>
    private async Task<IFormCollection?> Form(HttpContext context, bool needsSignIn)
    {
        if (DashboardAccess.CrossSiteRefusal(context) is { } crossSite)
        {
            await Refuse(context, StatusCodes.Status403Forbidden, crossSite);
            return null;
        }
        if (needsSignIn && !_access.IsSignedIn(context))
        {
            await Refuse(context, StatusCodes.Status401Unauthorized,
                _access.HasToken ? "sign in with the dashboard token to act" : "actions are off: no dashboard token is set");
            return null;
        }
        if (!context.Request.HasFormContentType)
        {
            await Refuse(context, StatusCodes.Status415UnsupportedMediaType, "an action takes a form (application/x-www-form-urlencoded)");
            return null;
        }
        return await context.Request.ReadFormAsync(context.RequestAborted);
    }

    private async Task Refuse(HttpContext context, int status, string reason)
    {
        LogRefused(context, reason);
        context.Response.StatusCode = status;
        Secure(context.Response);
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"Refused: {reason}.\n", context.RequestAborted);
    }

    /// <summary>Back to the page the action came from, saying what it did.</summary>
    private void Done(HttpContext context, string? back, int requeued)
    {
        var to = Back(context, back);
        SeeOther(context, string.Create(CultureInfo.InvariantCulture, $"{to}{(to.Contains('?', StringComparison.Ordinal) ? '&' : '?')}requeued={requeued}"));
    }

    /// <summary>After a form's POST, the page to GET.</summary>
    private static void SeeOther(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = location;
    }

    /// <summary>The dashboard's path as the browser sees it: the application's path base, then the prefix it was mapped at.</summary>
    private string Root(HttpContext context) => context.Request.PathBase + _prefix;

    /// <summary>A path to go back to: one of the dashboard's own, never another site.</summary>
    private string Back(HttpContext context, string? back) =>
        back is { Length: > 0 } path && path.StartsWith(Root(context) + "/", StringComparison.Ordinal) && !path.StartsWith("//", StringComparison.Ordinal) &&
        !path.Contains('\\', StringComparison.Ordinal) && Uri.IsWellFormedUriString(path, UriKind.Relative)
            ? path
            : Root(context) + "/";

    private PageContext Page(HttpContext context, bool signedIn)
    {
        var notice = context.Request.Query["requeued"].ToString() is { Length: > 0 } n && int.TryParse(n, CultureInfo.InvariantCulture, out var count)
            ? count switch
            {
                0 => "Nothing was requeued: the turn is synced, or no longer in the journal.",
                1 => "Requeued 1 turn: it is due now.",
                _ => string.Create(CultureInfo.InvariantCulture, $"Requeued {count} turns: they are due now."),
            }
            : null;
        return new PageContext(Root(context), Here(context), signedIn, _access.HasToken, notice);
    }

    /// <summary>This page's path and query, without the notice of an action (coming back to it must not say it again).</summary>
    private static string Here(HttpContext context)
    {
        var query = string.Join("&", context.Request.Query.Where(q => q.Key != "requeued").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}"));
        return context.Request.PathBase + context.Request.Path + (query.Length > 0 ? "?" + query : "");
    }

    private async Task<UserSummary?> SummaryAsync(string userId, CancellationToken ct) =>
        (await _journal.Value.ListUsersAsync(new UserQuery(userId, Limit: int.MaxValue), ct)).FirstOrDefault(u => u.UserId == userId);

    private static async Task Send(HttpContext context, string html)
    {
        Secure(context.Response);
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }

    /// <summary>Headers every page carries: nothing from elsewhere, never framed, never cached, no referrer to other sites.</summary>
    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.CacheControl = "no-store";
        // Same-origin: a browser that sends no referrer sends "Origin: null" with a form, which the cross-site check refuses.
        response.Headers["Referrer-Policy"] = "same-origin";
    }

    private void LogRefused(HttpContext context, string reason)
    {
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            DashboardLog.Refused(_logger, context.Request.Method, context.Request.Path.Value ?? "", context.Connection.RemoteIpAddress, reason);
        }
    }
}
