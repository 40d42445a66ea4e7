using System.Collections.Specialized;
using System.Globalization;
using System.Net;
using MemoSync.Dashboard.Live;
using MemoSync.Dashboard.Pages;
using MemoSync.Dashboard.Security;
using MemoSync.Dashboard.Serving;
using MemoSync.Delivery;
using MemoSync.Journal;
using MemoSync.Memobase;
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
    private readonly Lazy<IDialogueJournal> _journal;
    private readonly Lazy<DeliveryEngine?> _engine;
    private readonly Lazy<OverviewSource> _overview;

    public DashboardHandlers(string prefix, DashboardOptions options, IServiceProvider services)
    {
        _prefix = prefix;
        _options = options;
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _access = new DashboardAccess(options, prefix.Length == 0 ? "/" : prefix, _time);
        Logger = services.GetService<ILoggerFactory>()?.CreateLogger("MemoSync.Dashboard") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _journal = new(services.GetRequiredService<IDialogueJournal>);
        _engine = new(services.GetService<DeliveryEngine>);
        _overview = new(() => new OverviewSource(_journal.Value, _engine.Value, services.GetRequiredService<IMemobaseClient>, _time, options.RefreshInterval));
    }

    /// <summary>Where the dashboard logs (the category <c>MemoSync.Dashboard</c>).</summary>
    public ILogger Logger { get; }

    // ---- pages

    public async Task Overview(DashboardExchange context)
    {
        if (await Look(context) is { } page)
        {
            await Send(context, OverviewPage.Render(page, await _overview.Value.GetAsync(context.Aborted), _options.RefreshInterval));
        }
    }

    public async Task OverviewFragment(DashboardExchange context)
    {
        if (await Look(context) is { } page)
        {
            await Send(context, OverviewPage.Fragment(page, await _overview.Value.GetAsync(context.Aborted)));
        }
    }

    public async Task Users(DashboardExchange context)
    {
        if (await Look(context) is { } page)
        {
            var query = new UserQuery(context.QueryValue("q").Trim(), UsersPage.Parse(context.QueryValue("sort")), context.QueryValue("dir") == "desc");
            var users = await _journal.Value.ListUsersAsync(query, context.Aborted);
            await Send(context, UsersPage.Render(page, query, users, _time.GetUtcNow()));
        }
    }

    public async Task User(DashboardExchange context)
    {
        if (await Look(context) is { } page)
        {
            var userId = context.QueryValue("id");
            var state = UserPage.Parse(context.QueryValue("state"));
            var summary = await SummaryAsync(userId, context.Aborted);
            var turns = await _journal.Value.ListUserTurnsAsync(userId, state, UserPage.Limit, context.Aborted);
            await Send(context, UserPage.Render(page, userId, summary, state, turns, _time.GetUtcNow()));
        }
    }

    public Task Dead(DashboardExchange context) => TurnList(context, TurnState.Dead);

    public Task Pending(DashboardExchange context) => TurnList(context, TurnState.Pending);

    private async Task TurnList(DashboardExchange context, TurnState state)
    {
        if (await Look(context) is { } page)
        {
            var turns = await _journal.Value.ListAsync(state, TurnListPage.Limit, context.Aborted);
            await Send(context, TurnListPage.Render(page, state, turns, _time.GetUtcNow()));
        }
    }

    public async Task ConfirmRequeueDead(DashboardExchange context)
    {
        if (await Look(context) is not { } page)
        {
            return;
        }
        if (!page.SignedIn)
        {
            await Refuse(context, (int)HttpStatusCode.Unauthorized, "sign in with the dashboard token to requeue turns");
            return;
        }
        var userId = context.QueryValue("user") is { Length: > 0 } user ? user : null;
        var dead = userId is null
            ? (await _journal.Value.GetStatusAsync(0, context.Aborted)).Dead
            : (await SummaryAsync(userId, context.Aborted))?.Dead ?? 0;
        await Send(context, ConfirmPage.Render(page, userId, dead));
    }

    public async Task Login(DashboardExchange context)
    {
        var page = Page(context, signedIn: _access.IsSignedIn(context));
        await Send(context, LoginPage.Render(page, Back(context, context.QueryValue("back")), null));
    }

    /// <summary>The stylesheet or the script; the route's last segment names it.</summary>
    public static async Task Asset(DashboardExchange context)
    {
        if (!DashboardAssets.TryGet(context.Path[(context.Path.LastIndexOf('/') + 1)..], out var bytes, out var type))
        {
            context.Status((int)HttpStatusCode.NotFound);
            return;
        }
        context.SetHeader("Cache-Control", "no-cache");
        context.SetHeader("X-Content-Type-Options", "nosniff");
        await context.WriteAsync(bytes, type);
    }

    // ---- actions

    public async Task SignIn(DashboardExchange context)
    {
        if (await Form(context, needsSignIn: false) is not { } form)
        {
            return;
        }
        var back = Back(context, form["back"]);
        if (!_access.IsToken(form["token"]))
        {
            LogRefused(context, "a wrong token was given to sign in");
            context.Status((int)HttpStatusCode.Unauthorized);
            await Send(context, LoginPage.Render(Page(context, signedIn: false), back, "That is not the dashboard token."));
            return;
        }
        _access.SignIn(context);
        DashboardLog.SignedIn(Logger, context.RemoteAddress);
        SeeOther(context, back);
    }

    public async Task SignOut(DashboardExchange context)
    {
        if (await Form(context, needsSignIn: false) is not null)
        {
            _access.SignOut(context);
            SeeOther(context, Root(context) + "/");
        }
    }

    public async Task Requeue(DashboardExchange context)
    {
        if (await Form(context, needsSignIn: true) is not { } form)
        {
            return;
        }
        if (!Guid.TryParse(form["turn"], out var turnId))
        {
            await Refuse(context, (int)HttpStatusCode.BadRequest, "the form's turn is not a turn id");
            return;
        }
        var requeued = await _journal.Value.RequeueAsync(turnId, context.Aborted);
        if (requeued)
        {
            DashboardLog.RequeuedTurn(Logger, turnId);
            _engine.Value?.WakeUp();
        }
        Done(context, form["back"], requeued ? 1 : 0);
    }

    public async Task RequeueDead(DashboardExchange context)
    {
        if (await Form(context, needsSignIn: true) is not { } form)
        {
            return;
        }
        var userId = form["user"] is { Length: > 0 } user ? user : null;
        var count = userId is null
            ? await _journal.Value.RequeueDeadAsync(context.Aborted)
            : await _journal.Value.RequeueDeadAsync(userId, context.Aborted);
        DashboardLog.RequeuedDead(Logger, count, userId ?? "every user");
        if (count > 0)
        {
            _engine.Value?.WakeUp();
        }
        Done(context, form["back"], count);
    }

    // ---- plumbing

    /// <summary>The page context when the viewer may look; otherwise answers 401 (or 403 with no token to sign in with) and returns null.</summary>
    private async Task<PageContext?> Look(DashboardExchange context)
    {
        var signedIn = _access.IsSignedIn(context);
        if (signedIn || !_access.PagesNeedToken(context))
        {
            return Page(context, signedIn);
        }
        if (!_access.HasToken)
        {
            await Refuse(context, (int)HttpStatusCode.Forbidden, "the dashboard has no token, so it is open on loopback only");
            return null;
        }
        LogRefused(context, "not signed in");
        context.Status((int)HttpStatusCode.Unauthorized);
        await Send(context, LoginPage.Render(Page(context, signedIn: false), Here(context), null));
        return null;
    }

    /// <summary>The form of an action that came from the dashboard's own page (and, when <paramref name="needsSignIn"/>, from a signed-in viewer); null when refused.</summary>
    private async Task<NameValueCollection?> Form(DashboardExchange context, bool needsSignIn)
    {
        if (DashboardAccess.CrossSiteRefusal(context) is { } crossSite)
        {
            await Refuse(context, (int)HttpStatusCode.Forbidden, crossSite);
            return null;
        }
        if (needsSignIn && !_access.IsSignedIn(context))
        {
            await Refuse(context, (int)HttpStatusCode.Unauthorized,
                _access.HasToken ? "sign in with the dashboard token to act" : "actions are off: no dashboard token is set");
            return null;
        }
        if (!context.HasForm)
        {
            await Refuse(context, (int)HttpStatusCode.UnsupportedMediaType, "an action takes a form (application/x-www-form-urlencoded)");
            return null;
        }
        if (await context.ReadFormAsync() is not { } form)
        {
            await Refuse(context, (int)HttpStatusCode.RequestEntityTooLarge, string.Create(CultureInfo.InvariantCulture, $"an action's form takes {DashboardExchange.FormLimit} bytes at most"));
            return null;
        }
        return form;
    }

    private async Task Refuse(DashboardExchange context, int status, string reason)
    {
        LogRefused(context, reason);
        context.Status(status);
        Secure(context);
        await context.WriteAsync($"Refused: {reason}.\n", "text/plain; charset=utf-8");
    }

    /// <summary>Back to the page the action came from, saying what it did.</summary>
    private void Done(DashboardExchange context, string? back, int requeued)
    {
        var to = Back(context, back);
        SeeOther(context, string.Create(CultureInfo.InvariantCulture, $"{to}{(to.Contains('?', StringComparison.Ordinal) ? '&' : '?')}requeued={requeued}"));
    }

    /// <summary>After a form's POST, the page to GET.</summary>
    private static void SeeOther(DashboardExchange context, string location)
    {
        context.Status((int)HttpStatusCode.SeeOther);
        context.SetHeader("Location", location);
    }

    /// <summary>The dashboard's path as the browser sees it: the application's path base, then the prefix it was mapped at.</summary>
    private string Root(DashboardExchange context) => context.PathBase + _prefix;

    /// <summary>A path to go back to: one of the dashboard's own, never another site.</summary>
    private string Back(DashboardExchange context, string? back) =>
        back is { Length: > 0 } path && path.StartsWith(Root(context) + "/", StringComparison.Ordinal) && !path.StartsWith("//", StringComparison.Ordinal) &&
        !path.Contains('\\', StringComparison.Ordinal) && Uri.IsWellFormedUriString(path, UriKind.Relative)
            ? path
            : Root(context) + "/";

    private PageContext Page(DashboardExchange context, bool signedIn)
    {
        var notice = context.QueryValue("requeued") is { Length: > 0 } n && int.TryParse(n, CultureInfo.InvariantCulture, out var count)
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
    private static string Here(DashboardExchange context)
    {
        var query = string.Join("&", context.Query.Where(q => q.Key != "requeued").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
        return context.PathBase + context.Path + (query.Length > 0 ? "?" + query : "");
    }

    private async Task<UserSummary?> SummaryAsync(string userId, CancellationToken ct) =>
        (await _journal.Value.ListUsersAsync(new UserQuery(userId, Limit: int.MaxValue), ct)).FirstOrDefault(u => u.UserId == userId);

    private static async Task Send(DashboardExchange context, string html)
    {
        Secure(context);
        await context.WriteAsync(html, "text/html; charset=utf-8");
    }

    /// <summary>Headers every page carries: nothing from elsewhere, never framed, never cached, no referrer to other sites.</summary>
    private static void Secure(DashboardExchange context)
    {
        context.SetHeader("Content-Security-Policy", ContentSecurityPolicy);
        context.SetHeader("X-Content-Type-Options", "nosniff");
        context.SetHeader("X-Frame-Options", "DENY");
        context.SetHeader("Cache-Control", "no-store");
        // Same-origin: a browser that sends no referrer sends "Origin: null" with a form, which the cross-site check refuses.
        context.SetHeader("Referrer-Policy", "same-origin");
    }

    private void LogRefused(DashboardExchange context, string reason)
    {
        if (Logger.IsEnabled(LogLevel.Warning))
        {
            DashboardLog.Refused(Logger, context.Method, context.Path, context.RemoteAddress, reason);
        }
    }
}
