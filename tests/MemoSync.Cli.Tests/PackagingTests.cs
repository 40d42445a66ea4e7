namespace MemoSync.Cli.Tests;

/// <summary>The memosync tool as a user gets it: packed from a clean clone, installed with <c>dotnet tool install</c>, run.</summary>
[Collection(nameof(LocalPackageFeed))]
public sealed class PackagingTests(LocalPackageFeed feed)
{
    [Fact]
    public async Task A_clean_clone_packs_into_a_tool_that_installs_as_memosync_and_runs_the_demo()
    {
        var dir = Directory.CreateDirectory(Path.Combine(feed.Dir, "tool")).FullName;
        var tools = Path.Combine(dir, "tools");
        // The version comes from git (0.0.0-alpha.0.N before the first tag): a prerelease is installed only when named.
        var packed = await feed.PackAsync("src/MemoSync.Cli", "MemoSync.Cli");
        // Only the packed folder as a source: the tool carries its dependencies.
        await File.WriteAllTextAsync(Path.Combine(dir, "nuget.config"),
            $"""<configuration><packageSources><clear /><add key="local" value="{feed.Folder}" /></packageSources></configuration>""");
        await LocalPackageFeed.RunAsync(dir, "dotnet", "tool", "install", "MemoSync.Cli", "--version", packed, "--tool-path", tools, "--configfile", Path.Combine(dir, "nuget.config"));

        var memosync = Path.Combine(tools, "memosync");
        var version = await LocalPackageFeed.RunAsync(dir, memosync, "--version");
        var help = await LocalPackageFeed.RunAsync(dir, memosync, "--help");
        var demo = await LocalPackageFeed.RunAsync(dir, memosync, "demo");

        Assert.Matches(@"^\d+\.\d+\.\d+", version);
        Assert.StartsWith(packed, version, StringComparison.Ordinal);
        Assert.Contains("Usage:\n  memosync [command] [options]", help.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("turns reached Memobase exactly once", demo, StringComparison.Ordinal);
    }
}
