namespace MemoSync.Dashboard;

/// <summary>The stylesheet and the script, read once from the assembly: the dashboard fetches nothing from anywhere else.</summary>
internal static class DashboardAssets
{
    private static readonly Dictionary<string, (byte[] Bytes, string Type)> Files = new(StringComparer.Ordinal)
    {
        ["dashboard.css"] = (Read("dashboard.css"), "text/css; charset=utf-8"),
        ["dashboard.js"] = (Read("dashboard.js"), "text/javascript; charset=utf-8"),
    };

    /// <summary>The asset named <paramref name="name"/>, or false when there is none.</summary>
    public static bool TryGet(string name, out byte[] bytes, out string type)
    {
        var found = Files.TryGetValue(name, out var file);
        (bytes, type) = found ? file : ([], "");
        return found;
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream($"MemoSync.Dashboard.{name}")
            ?? throw new InvalidOperationException($"The dashboard asset {name} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
