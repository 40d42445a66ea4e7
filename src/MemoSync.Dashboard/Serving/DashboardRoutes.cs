namespace MemoSync.Dashboard.Serving;

/// <summary>The dashboard's paths and their handlers, once, for both the application's router and the daemon's listener.</summary>
internal static class DashboardRoutes
{
    public static IReadOnlyList<DashboardRoute> Of(DashboardHandlers handlers) =>
    [
        new("GET", "/", handlers.Overview),
        new("GET", "/live/overview", handlers.OverviewFragment),
        new("GET", "/users", handlers.Users),
        new("GET", "/user", handlers.User),
        new("GET", "/dead", handlers.Dead),
        new("GET", "/pending", handlers.Pending),
        new("GET", "/requeue-dead", handlers.ConfirmRequeueDead),
        new("GET", "/login", handlers.Login),
        new("GET", "/assets/{name}", DashboardHandlers.Asset),
        new("POST", "/login", handlers.SignIn),
        new("POST", "/logout", handlers.SignOut),
        new("POST", "/requeue", handlers.Requeue),
        new("POST", "/requeue-dead", handlers.RequeueDead),
    ];
}
