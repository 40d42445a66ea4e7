namespace MemoSync.TestSupport;

/// <summary>Where the repository is, found from the test binaries by its solution file.</summary>
public static class Repository
{
    /// <summary>The folder holding MemoSync.slnx.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MemoSync.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("the repository root (MemoSync.slnx) is not above " + AppContext.BaseDirectory);
    }
}
