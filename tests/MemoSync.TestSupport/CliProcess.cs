using System.Diagnostics;

namespace MemoSync.TestSupport;

/// <summary>The <c>memosync</c> command as a real child process (MemoSync.Cli.dll beside the test binaries), with its output redirected.</summary>
public static class CliProcess
{
    /// <summary>Starts <c>memosync ARGS</c> with the given environment on top of a clean one (no USER_ID, MEMOSYNC_JOURNAL or MEMOBASE_TOKEN inherited).</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MemoSync.Cli.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var name in new[] { "USER_ID", "MEMOSYNC_JOURNAL", "MEMOBASE_TOKEN", "MEMOBASE_URL" })
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
