using System.Diagnostics;

namespace MemoSync.Bench;

/// <summary>This machine's cost of making 4 KiB durable: write then fsync, as a commit does. What no durable commit can beat.</summary>
internal static class Fsync
{
    /// <summary><paramref name="samples"/> times of one 4 KiB write and its fsync, in milliseconds, on a file in <paramref name="directory"/>.</summary>
    public static List<double> Times(string directory, int samples)
    {
        var path = Path.Combine(directory, "fsync.probe");
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var block = new byte[4096];
        var times = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var watch = Stopwatch.StartNew();
            file.Write(block);
            file.Flush(flushToDisk: true);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times;
    }
}
