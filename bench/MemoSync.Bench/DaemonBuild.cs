using System.Diagnostics;

namespace MemoSync.Bench;

/// <summary>How <c>memosync</c> is started: the portable build under <c>dotnet</c>, or a native executable published for this machine.</summary>
/// <param name="Name">How the results name it.</param>
/// <param name="FileName">The program to run.</param>
/// <param name="Arguments">What comes before memosync's own arguments.</param>
internal sealed record DaemonBuild(string Name, string FileName, params string[] Arguments)
{
    /// <summary>The portable build in the benchmark's own folder.</summary>
    public static DaemonBuild Portable { get; } = new("portable", "dotnet", Path.Combine(AppContext.BaseDirectory, "MemoSync.Cli.dll"));

    /// <summary>Publishes memosync as a native executable into <paramref name="directory"/> (what README's native publish does).</summary>
    public static async Task<DaemonBuild> PublishNativeAsync(string directory, TextWriter output)
    {
        var project = Path.Combine(RepositoryRoot(), "src", "MemoSync.Cli");
        output.WriteLine($"publishing memosync natively into {directory}");
        // Its output goes to the console as it comes: a failure shows there, with the reason.
        using var process = Process.Start("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", directory]);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish -p:PublishAot=true exited with {process.ExitCode} (its output is above)");
        }
        return new DaemonBuild("native", Path.Combine(directory, "MemoSync.Cli"));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "src", "MemoSync.Cli")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no src/MemoSync.Cli above {AppContext.BaseDirectory}: run the benchmark from the repository");
    }
}
