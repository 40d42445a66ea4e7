using System.Text.RegularExpressions;

namespace MemoSync.Dashboard.Serving;

/// <summary>The dashboard's prefix and options, checked the same way wherever it is served.</summary>
internal static partial class DashboardSetup
{
    /// <summary>The path the dashboard is served at unless told otherwise.</summary>
    public const string DefaultPrefix = "/memosync";

    /// <summary>The prefix without its trailing slash (empty for the root), and the options <paramref name="configure"/> set.</summary>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is not a path of plain segments, or an option is out of range.</exception>
    public static (string Path, DashboardOptions Options) Read(string prefix, Action<DashboardOptions>? configure)
    {
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
        return (prefix.TrimEnd('/'), options);
    }

    [GeneratedRegex("^(/[A-Za-z0-9._-]+)*/?$")]
    private static partial Regex PrefixSyntax();
}
