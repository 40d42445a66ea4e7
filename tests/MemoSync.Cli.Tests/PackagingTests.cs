using System.Diagnostics;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary>The memosync tool as a user gets it: packed from a clean clone, installed with <c>dotnet tool install</c>, run.</summary>
public sealed class PackagingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-pack-").FullName;

    [Fact]
    public async Task A_clean_clone_packs_into_a_tool_that_installs_as_memosync_and_runs_the_demo()
    {
        var clone = Path.Combine(_dir, "clone");
        var packages = Path.Combine(_dir, "packages");
        var tools = Path.Combine(_dir, "tools");
        await RunAsync(_dir, "git", "clone", "--quiet", Repository.Root, clone);
        await RunAsync(clone, "dotnet", "pack", "src/MemoSync.Cli", "-c", "Release", "-o", packages);
        // Only the packed folder as a source: the tool carries its dependencies.
        await File.WriteAllTextAsync(Path.Combine(_dir, "nuget.config"),
            $"""<configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>""");
        // The version comes from git (0.0.0-alpha.0.N before the first tag): a prerelease is installed only when named.
        var packed = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(packages, "MemoSync.Cli.*.nupkg")))["MemoSync.Cli.".Length..];
        await RunAsync(_dir, "dotnet", "tool", "install", "MemoSync.Cli", "--version", packed, "--tool-path", tools, "--configfile", Path.Combine(_dir, "nuget.config"));

        var memosync = Path.Combine(tools, "memosync");
        var version = await RunAsync(_dir, memosync, "--version");
        var help = await RunAsync(_dir, memosync, "--help");
        var demo = await RunAsync(_dir, memosync, "demo");

        Assert.Matches(@"^\d+\.\d+\.\d+", version);
        Assert.StartsWith(packed, version, StringComparison.Ordinal);
        Assert.Contains("Usage:\n  memosync [command] [options]", help.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("turns reached Memobase exactly once", demo, StringComparison.Ordinal);
    }

    private static async Task<string> RunAsync(string directory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        foreach (var name in new[] { "MEMOSYNC_JOURNAL", "MEMOBASE_TOKEN", "MEMOBASE_URL", "USER_ID" })
        {
            start.Environment.Remove(name);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {process.ExitCode}\n{await output}\n{await errors}");
        return await output;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
