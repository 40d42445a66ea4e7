namespace MemoSync.Dashboard.Pages;

/// <summary>Signing in with the dashboard token.</summary>
internal static class LoginPage
{
    public static string Render(PageContext page, string back, string? error)
    {
        if (!page.HasToken)
        {
            return Layout.Page(page, "Sign in", "/login", """
                <p>No dashboard token is set, so nobody can sign in: the dashboard is read-only on loopback and closed elsewhere.
                Set <code>MEMOSYNC_DASHBOARD_TOKEN</code> (for <code>memosync run</code>) to turn actions on.</p>
                """);
        }
        var problem = error is null ? "" : $"""<p class="notice bad" role="alert" id="login-error">{Html.E(error)}</p>""";
        return Layout.Page(page, "Sign in", "/login", $"""
            {problem}
            <form class="login" method="post" action="{page.Prefix}/login">
            <label for="token">Dashboard token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required {(error is null ? "" : "aria-describedby=\"login-error\" ")}autofocus>
            <input type="hidden" name="back" value="{Html.E(back)}">
            <button type="submit" class="primary">Sign in</button>
            </form>
            """);
    }
}
