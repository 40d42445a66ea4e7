using System.Collections.Concurrent;
using System.Diagnostics;
using MemoSync.Emulator;

namespace MemoSync.Bench;

/// <summary><c>memosync run</c> as a child process (by default the portable build in the benchmark's own folder), delivering to an emulator.</summary>
internal static class Daemon
{
    /// <summary>
    /// Starts the daemon on <paramref name="journal"/>, keeping the last lines it writes in <paramref name="lastLines"/> (and its
    /// pipes drained); <paramref name="environment"/> adds to or overrides its settings.
    /// </summary>
    public static Process Start(MemobaseEmulator emulator, string token, string journal, ConcurrentQueue<string> lastLines, DaemonBuild? build = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        build ??= DaemonBuild.Portable;
        var start = new ProcessStartInfo(build.FileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in build.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("run");
        start.Environment["MEMOBASE_URL"] = emulator.BaseAddress.ToString();
        start.Environment["MEMOBASE_TOKEN"] = token;
        start.Environment["MEMOBASE_SYNC_INTERVAL"] = "1";
        start.Environment["MEMOSYNC_JOURNAL"] = journal;
        // A log line per turn, per request or per new user would measure the console, not delivery.
        start.Environment["Logging__LogLevel__Default"] = "Error";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        void Keep(object sender, DataReceivedEventArgs line)
        {
            lastLines.Enqueue(line.Data ?? "");
            while (lastLines.Count > 20 && lastLines.TryDequeue(out _))
            {
            }
        }
        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The processor time the process has used so far, user and system, while it still runs.</summary>
    public static TimeSpan ProcessorTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>The process's resident memory now and at its peak, in MiB, from <c>/proc/PID/status</c>.</summary>
    public static (double Rss, double Peak) Memory(Process process)
    {
        double Field(string[] lines, string name) =>
            double.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        var status = File.ReadAllLines($"/proc/{process.Id}/status");
        return (Field(status, "VmRSS:"), Field(status, "VmHWM:"));
    }
}
