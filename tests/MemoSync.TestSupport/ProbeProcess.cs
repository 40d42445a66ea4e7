using System.Collections.Concurrent;
using System.Diagnostics;

namespace MemoSync.TestSupport;

/// <summary>The journal probe (tests/MemoSync.JournalProbe) as a child process whose output lines are collected as they come.</summary>
public sealed class ProbeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task _reading;

    public ProbeProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MemoSync.JournalProbe.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start)!;
        _reading = Task.Run(async () =>
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                Lines.Enqueue(line);
            }
        });
    }

    public ConcurrentQueue<string> Lines { get; } = new();

    public async Task WaitForLineAsync(string line, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!Lines.Contains(line))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the probe exited: {await _process.StandardError.ReadToEndAsync()}");
            }
            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>SIGKILL: no chance to flush, close or clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        await _reading;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        await _reading;
        return _process.ExitCode;
    }

    public void Dispose() => _process.Dispose();
}
