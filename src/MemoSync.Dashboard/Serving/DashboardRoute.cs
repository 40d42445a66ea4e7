namespace MemoSync.Dashboard.Serving;

/// <summary>
/// A method and a path under the dashboard's prefix, and what answers them. The path is an ASP.NET Core route template
/// of literal segments and <c>{name}</c> parameters, so the application's router takes it as it is and the listener
/// matches it with <see cref="Matches"/>.
/// </summary>
internal sealed record DashboardRoute(string Method, string Template, Func<DashboardExchange, Task> Handle)
{
    private readonly string[] _segments = Segments(Template);

    /// <summary>Whether a request for <paramref name="method"/> and <paramref name="path"/> (under the prefix, a trailing slash or not) is this route's.</summary>
    public bool Matches(string method, string path)
    {
        if (!string.Equals(method, Method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var segments = Segments(path);
        return segments.Length == _segments.Length &&
            segments.Zip(_segments).All(s => s.Second.StartsWith('{') ? s.First.Length > 0 : string.Equals(s.First, s.Second, StringComparison.Ordinal));
    }

    private static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
