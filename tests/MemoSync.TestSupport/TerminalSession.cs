using System.Diagnostics;
using System.Text;

namespace MemoSync.TestSupport;

/// <summary>
/// The <c>memosync</c> command run in a pseudo-terminal (util-linux <c>script</c>), typed into line by line as a person
/// would, its screen output collected; the environment is a clean one plus what the test gives.
/// </summary>
public sealed class TerminalSession : IDisposable
{
    private static readonly string[] Inherited = ["USER_ID", "MEMOSYNC_JOURNAL", "MEMOBASE_TOKEN", "MEMOBASE_URL", "LLM_URL", "LLM_MODEL", "LLM_API_KEY"];
    private readonly Process _process;
    private readonly StringBuilder _screen = new();
    private readonly Lock _gate = new();
    private readonly Task _reading;

    private TerminalSession(Process process)
    {
        _process = process;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Everything the terminal showed so far (typed lines are echoed).</summary>
    public string Screen
    {
        get
        {
            lock (_gate)
            {
                return _screen.ToString();
            }
        }
    }

    /// <summary>Starts <c>memosync ARGS</c> in a pseudo-terminal.</summary>
    public static TerminalSession Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var command = string.Join(' ', new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "MemoSync.Cli.dll") }.Concat(args).Select(Quote));
        var start = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--quiet", "--flush", "--return", "--command", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var name in Inherited)
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return new TerminalSession(Process.Start(start)!);
    }

    /// <summary>Types a line and presses Enter.</summary>
    public async Task TypeLineAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the screen shows <paramref name="text"/> <paramref name="times"/> times, for at most <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">It did not; the message holds the screen.</exception>
    public async Task WaitForAsync(string text, TimeSpan timeout, int times = 1)
    {
        var watch = Stopwatch.StartNew();
        while (Count(Screen, text) < times)
        {
            if (watch.Elapsed > timeout || _reading.IsCompleted)
            {
                throw new TimeoutException($"The terminal did not show '{text}' {times} time(s) within {timeout}; it shows:\n{Screen}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for the command to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _reading;
        return _process.ExitCode;
    }

    private static int Count(string screen, string text)
    {
        var count = 0;
        for (var at = screen.IndexOf(text, StringComparison.Ordinal); at >= 0; at = screen.IndexOf(text, at + text.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private async Task ReadAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (_gate)
            {
                _screen.Append(buffer, 0, read);
            }
        }
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
