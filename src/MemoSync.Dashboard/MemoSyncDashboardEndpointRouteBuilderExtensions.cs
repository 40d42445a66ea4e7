using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MemoSync.Dashboard;

/// <summary>Maps the MemoSync dashboard into an ASP.NET Core application that called <c>AddMemoSync</c>.</summary>
public static partial class MemoSyncDashboardEndpointRouteBuilderExtensions
{
    /// <summary>The path the dashboard is mapped at unless told otherwise.</summary>
    public const string DefaultPrefix = "/memosync";

    /// <summary>
    /// Serves the dashboard under <paramref name="prefix"/>: the overview, users, a user's turns, the dead and pending
    /// lists, and requeueing. Nothing is read from MemoSync until the first request. Returns the group of its endpoints,
    /// for the application's own conventions (authorization, rate limiting).
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="prefix">Where: a path such as <c>/memosync</c> (the default) or <c>/ops/memosync</c>, or <c>/</c> for the root.</param>
    /// <param name="configure">The token and the other <see cref="DashboardOptions"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is not such a path, or an option is out of range.</exception>
    public static RouteGroupBuilder MapMemoSyncDashboard(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix, Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!PrefixSyntax().IsMatch(prefix))
        {
            throw new ArgumentException($"The dashboard's prefix must be a path of letters, digits, '-', '_' and '.' segments, such as {DefaultPrefix}, got '{prefix}'.", nameof(prefix));
        }
        var options = new DashboardOptions();
        configure?.Invoke(options);
        if (options.RefreshInterval <= TimeSpan.Zero || options.SessionLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("The dashboard's RefreshInterval and SessionLifetime must be positive.", nameof(configure));
        }
        var path = prefix.TrimEnd('/');
        var handlers = new DashboardHandlers(path, options, options.Services ?? endpoints.ServiceProvider);
        // RequestDelegates: no binding code to generate, and nothing for the trimmer to keep.
        var group = endpoints.MapGroup(path.Length == 0 ? "/" : path);
        group.MapGet("/", (RequestDelegate)handlers.Overview);
        group.MapGet("/live/overview", (RequestDelegate)handlers.OverviewFragment);
        group.MapGet("/users", (RequestDelegate)handlers.Users);
        group.MapGet("/user", (RequestDelegate)handlers.User);
        group.MapGet("/dead", (RequestDelegate)handlers.Dead);
        group.MapGet("/pending", (RequestDelegate)handlers.Pending);
        group.MapGet("/requeue-dead", (RequestDelegate)handlers.ConfirmRequeueDead);
        group.MapGet("/login", (RequestDelegate)handlers.Login);
        group.MapGet("/assets/{name}", DashboardHandlers.Asset);
        group.MapPost("/login", (RequestDelegate)handlers.SignIn);
        group.MapPost("/logout", (RequestDelegate)handlers.SignOut);
        group.MapPost("/requeue", (RequestDelegate)handlers.Requeue);
        group.MapPost("/requeue-dead", (RequestDelegate)handlers.RequeueDead);
        return group;
    }

    [GeneratedRegex("^(/[A-Za-z0-9._-]+)*/?$")]
    private static partial Regex PrefixSyntax();
}
