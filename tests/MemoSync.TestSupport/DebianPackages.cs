using System.Diagnostics;

namespace MemoSync.TestSupport;

/// <summary>Tools a test needs from Debian's packages, installed with apt-get when the machine lacks them (tests run as root on a fresh Debian).</summary>
public static class DebianPackages
{
    private static readonly SemaphoreSlim Apt = new(1, 1);

    /// <summary>Returns the full path of <paramref name="command"/>, installing <paramref name="package"/> first if it is missing.</summary>
    public static async Task<string> EnsureCommandAsync(string command, string package)
    {
        await Apt.WaitAsync();
        try
        {
            if (Find(command) is { } path)
            {
                return path;
            }
            await RunAsync("apt-get", "update");
            await RunAsync("apt-get", "install", "-y", "--no-install-recommends", package);
            return Find(command) ?? throw new InvalidOperationException($"{package} was installed but {command} is not on PATH");
        }
        finally
        {
            Apt.Release();
        }
    }

    private static string? Find(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await errors}{await output}");
        }
    }
}
