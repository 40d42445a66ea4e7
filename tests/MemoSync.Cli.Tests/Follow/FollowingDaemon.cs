using System.Diagnostics;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests.Follow;

/// <summary><c>memosync run --follow data/save_data.jsonl</c> in a folder, with its output kept.</summary>
internal sealed class FollowingDaemon(Process process)
{
    private readonly Task<string> _out = process.StandardOutput.ReadToEndAsync();
    private readonly Task<string> _err = process.StandardError.ReadToEndAsync();

    public static FollowingDaemon Start(string folder, Dictionary<string, string> settings) =>
        new(CliProcess.StartIn(folder, settings, "run", "--follow", "data/save_data.jsonl"));

    /// <summary>Stops it as SIGINT does; returns what it printed.</summary>
    public async Task<string> StopAsync()
    {
        await CliProcess.StopAsync(process, "INT", TimeSpan.FromSeconds(30));
        var printed = await _out + await _err;
        Assert.True(process.ExitCode == 0, printed);
        process.Dispose();
        return printed;
    }
}
