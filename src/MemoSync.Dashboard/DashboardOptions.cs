namespace MemoSync.Dashboard;

/// <summary>How the dashboard is reached and who may act on it.</summary>
public sealed class DashboardOptions
{
    /// <summary>
    /// The secret that signs a viewer in: actions (requeue) and the turns' messages need it, and so does every page when
    /// <see cref="PagesRequireToken"/> is set or the page is reached at an address other than loopback. Null (the default):
    /// nobody can sign in, so the dashboard is read-only, shows no messages, and refuses every request not made on loopback.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Every page asks for the token, not only actions. Default false: on loopback the pages are open to whoever can reach
    /// them; a request on any other address always needs it. Set it when a reverse proxy on this machine forwards requests.
    /// </summary>
    public bool PagesRequireToken { get; set; }

    /// <summary>How often the overview refreshes itself, and how long a look at the journal serves every viewer. Default 2 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a sign-in lasts. Default 12 hours.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Where MemoSync's services (the journal, the delivery engine, the Memobase client) are; the application's own when null.</summary>
    public IServiceProvider? Services { get; set; }
}
