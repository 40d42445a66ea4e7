using System.Diagnostics;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary>
/// The repository as a user gets it: a clean clone of what is committed, whose projects are packed (Release) into a local
/// folder feed, each once however many tests ask for it. Shared by the test classes of its collection, which run one at a time.
/// </summary>
[CollectionDefinition(nameof(LocalPackageFeed))]
public sealed class LocalPackageFeed : IAsyncLifetime, ICollectionFixture<LocalPackageFeed>
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _packed = [];

    /// <summary>A temporary folder holding the clone, the feed and whatever the tests add; removed at the end.</summary>
    public string Dir { get; } = Directory.CreateTempSubdirectory("memosync-pack-").FullName;

    /// <summary>The clean clone.</summary>
    public string Clone => Path.Combine(Dir, "clone");

    /// <summary>The folder feed the packages are packed into.</summary>
    public string Folder => Path.Combine(Dir, "packages");

    public Task InitializeAsync() => RunAsync(Dir, "git", "clone", "--quiet", Repository.Root, Clone);

    /// <summary>Packs the clone's <paramref name="project"/> (unless it already was) and returns the version of its package <paramref name="packageId"/>.</summary>
    public async Task<string> PackAsync(string project, string packageId)
    {
        await _gate.WaitAsync();
        try
        {
            if (_packed.Add(project))
            {
                await RunAsync(Clone, "dotnet", "pack", project, "-c", "Release", "-o", Folder);
            }
        }
        finally
        {
            _gate.Release();
        }
        // MemoSync.1.2.3.nupkg, not MemoSync.Cli.1.2.3.nupkg: the version follows the id and starts with a digit.
        var package = Assert.Single(Directory.GetFiles(Folder, $"{packageId}.*.nupkg"),
            p => Path.GetFileName(p)[(packageId.Length + 1)..] is [>= '0' and <= '9', ..]);
        return Path.GetFileNameWithoutExtension(package)[(packageId.Length + 1)..];
    }

    /// <summary>Runs <paramref name="file"/> to its end (8 minutes at most) without MemoSync's settings from the machine; its standard output, or a failure with both outputs.</summary>
    public static Task<string> RunAsync(string directory, string file, params string[] args) => RunAsync(directory, new Dictionary<string, string>(), file, args);

    /// <inheritdoc cref="RunAsync(string, string, string[])" />
    public static async Task<string> RunAsync(string directory, IReadOnlyDictionary<string, string> environment, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        foreach (var name in new[] { "MEMOSYNC_JOURNAL", "MEMOBASE_TOKEN", "MEMOBASE_URL", "USER_ID" })
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {process.ExitCode}\n{await output}\n{await errors}");
        return await output;
    }

    public Task DisposeAsync()
    {
        _gate.Dispose();
        Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }
}
