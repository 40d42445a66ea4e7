using System.Text;

namespace MemoSync.Dashboard.Pages;

/// <summary>The frame of every page: the header with the navigation and the sign-in state, then the page's own content.</summary>
internal static class Layout
{
    private static readonly (string Path, string Name)[] Sections = [("", "Overview"), ("/users", "Users"), ("/dead", "Dead"), ("/pending", "Pending")];

    /// <summary>A whole page; <paramref name="section"/> is the path of the navigation entry it belongs to.</summary>
    public static string Page(PageContext page, string title, string section, string content)
    {
        var html = new StringBuilder(4096);
        html.Append($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Html.E(title)} · MemoSync</title>
            <link rel="stylesheet" href="{page.Prefix}/assets/dashboard.css">
            <script defer src="{page.Prefix}/assets/dashboard.js"></script>
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header>
            <p class="brand"><a href="{page.Prefix}">MemoSync</a></p>
            <nav aria-label="Dashboard"><ul>
            """);
        foreach (var (path, name) in Sections)
        {
            var current = path == section ? " aria-current=\"page\"" : "";
            html.Append($"""<li><a href="{page.Prefix}{path}"{current}>{name}</a></li>""");
        }
        html.Append("</ul></nav>");
        html.Append(page.SignedIn
            ? $"""<form class="session" method="post" action="{page.Prefix}/logout"><button type="submit">Sign out</button></form>"""
            : page.HasToken ? $"""<p class="session"><a href="{page.Prefix}/login?back={Html.Q(page.Here)}">Sign in</a></p>""" : "");
        html.Append($"""
            </header>
            <main id="main" tabindex="-1">
            <h1>{Html.E(title)}</h1>
            {Notice(page)}{content}
            </main>
            </body>
            </html>
            """);
        return html.ToString();
    }

    /// <summary>What an action did, said once after it redirected here.</summary>
    private static string Notice(PageContext page) => page.Notice is { } notice ? $"""<p class="notice" role="status">{Html.E(notice)}</p>""" : "";
}
