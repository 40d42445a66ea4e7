using System.Diagnostics;

namespace MemoSync.TestSupport;

/// <summary>The <c>memosync</c> command as a real child process (MemoSync.Cli.dll beside the test binaries), with its output redirected.</summary>
public static class CliProcess
{
    /// <summary>Settings a test must give explicitly: none is inherited from the machine running the tests.</summary>
    private static readonly string[] Cleared = ["USER_ID", "MEMOSYNC_JOURNAL", "MEMOBASE_TOKEN", "MEMOBASE_URL", "MEMOBASE_SYNC_INTERVAL", "MEMOBASE_TIMEOUT", "MEMOSYNC_LANES", "MEMOSYNC_LEASE", "MEMOSYNC_FOLLOW"];

    /// <summary>Starts <c>memosync ARGS</c> with the given environment on top of a clean one (none of the settings MemoSync reads inherited).</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Start(new ProcessStartInfo("dotnet"), Path.Combine(AppContext.BaseDirectory, "MemoSync.Cli.dll"), environment, args);

    /// <summary>
    /// Starts <c>memosync ARGS</c> in <paramref name="workingDirectory"/> (where it looks for <c>.env</c> and
    /// <c>appsettings.json</c>), with standard input redirected for the test to write to and close.
    /// </summary>
    public static Process StartIn(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartProgram(Path.Combine(AppContext.BaseDirectory, "MemoSync.Cli.dll"), workingDirectory, environment, args);

    /// <summary>
    /// Starts another .NET program (<c>dotnet DLL ARGS</c>) that reads MemoSync's settings, in <paramref name="workingDirectory"/>,
    /// on the same clean environment, with standard input redirected.
    /// </summary>
    public static Process StartProgram(string dll, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Start(new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardInput = true }, dll, environment, args);

    /// <summary>Sends <paramref name="signal"/> (<c>INT</c>, <c>TERM</c>) to <paramref name="process"/> and waits, at most <paramref name="timeout"/>, for it to exit.</summary>
    public static async Task StopAsync(Process process, string signal, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(process);
        using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var deadline = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(deadline.Token);
    }

    private static Process Start(ProcessStartInfo start, string dll, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var name in Cleared)
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return Process.Start(start)!;
    }
}
