using MemoSync.Dashboard.AspNetCore;
using MemoSync.Dashboard.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MemoSync.Dashboard;

/// <summary>Maps the MemoSync dashboard into an ASP.NET Core application that called <c>AddMemoSync</c>.</summary>
public static class MemoSyncDashboardEndpointRouteBuilderExtensions
{
    /// <summary>The path the dashboard is mapped at unless told otherwise.</summary>
    public const string DefaultPrefix = DashboardSetup.DefaultPrefix;

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
        var (path, options) = DashboardSetup.Read(prefix, configure);
        var handlers = new DashboardHandlers(path, options, options.Services ?? endpoints.ServiceProvider);
        var group = endpoints.MapGroup(path.Length == 0 ? "/" : path);
        foreach (var route in DashboardRoutes.Of(handlers))
        {
            // RequestDelegates: no binding code to generate, and nothing for the trimmer to keep.
            group.MapMethods(route.Template, [route.Method], (RequestDelegate)(context => route.Handle(new HttpContextExchange(context))));
        }
        return group;
    }
}
