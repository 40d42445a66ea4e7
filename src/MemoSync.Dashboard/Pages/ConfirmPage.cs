namespace MemoSync.Dashboard.Pages;

/// <summary>The question before requeueing every dead turn (of one user, or of all): a click on a list must not do it alone.</summary>
internal static class ConfirmPage
{
    public static string Render(PageContext page, string? userId, long dead)
    {
        var whose = userId is null ? "every user" : $"user {Html.E(userId)}";
        var back = userId is null ? $"{page.Prefix}/dead" : $"{page.Prefix}/user?id={Html.Q(userId)}";
        var user = userId is null ? "" : $"""<input type="hidden" name="user" value="{Html.E(userId)}">""";
        return Layout.Page(page, "Requeue dead turns", "/dead", $"""
            <p>Requeue the {Html.N(dead)} dead turns of {whose}? Each becomes pending, due now, with its attempts set back to 0, and is delivered again.</p>
            <form method="post" action="{page.Prefix}/requeue-dead">
            {user}<input type="hidden" name="back" value="{Html.E(back)}">
            <button type="submit" class="primary">Requeue {Html.N(dead)} dead turns</button>
            <a class="button" href="{back}">Cancel</a>
            </form>
            """);
    }
}
