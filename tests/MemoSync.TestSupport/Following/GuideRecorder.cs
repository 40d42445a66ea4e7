using System.Diagnostics;

namespace MemoSync.TestSupport.Following;

/// <summary>
/// guide_recorder.py (python3) as a real child process: it writes the guide's <c>save_data.jsonl</c> as the guide's Python assistant
/// does (appends, rewrites to mark turns synced, truncates, rotates), one command at a time.
/// </summary>
public sealed class GuideRecorder : IAsyncDisposable
{
    private readonly Process _process;

    private GuideRecorder(Process process) => _process = process;

    /// <summary>Starts the recorder writing <paramref name="file"/>.</summary>
    public static GuideRecorder Start(string file)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Following", "guide_recorder.py"));
        start.ArgumentList.Add(file);
        return new GuideRecorder(Process.Start(start)!);
    }

    /// <summary>Runs one command (see guide_recorder.py) and returns once it is done.</summary>
    public async Task SendAsync(string command)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.StandardInput.WriteLineAsync(command.AsMemory(), deadline.Token);
        await _process.StandardInput.FlushAsync(deadline.Token);
        var answer = await _process.StandardOutput.ReadLineAsync(deadline.Token);
        if (answer != "ok")
        {
            throw new InvalidOperationException($"guide_recorder.py answered '{answer}' to '{command}' (its error output is above)");
        }
    }

    /// <summary>Quits the recorder and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await _process.StandardInput.WriteLineAsync("quit");
            _process.StandardInput.Close();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(deadline.Token);
        }
        _process.Dispose();
    }
}
