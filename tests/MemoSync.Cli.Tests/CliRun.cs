using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary>One run of <c>memosync</c> to its end: its exit code and what it printed.</summary>
internal sealed record CliRun(int Code, string Out, string Err)
{
    /// <summary>Runs <c>memosync ARGS</c> in <paramref name="folder"/>, writing <paramref name="input"/> to its standard input, then closing it.</summary>
    public static Task<CliRun> InAsync(string folder, Dictionary<string, string> environment, string input, params string[] args) =>
        InAsync(folder, environment, System.Text.Encoding.UTF8.GetBytes(input), args);

    /// <summary>Runs <c>memosync ARGS</c> in <paramref name="folder"/>, writing <paramref name="input"/>'s bytes as they are to its standard input, then closing it.</summary>
    public static async Task<CliRun> InAsync(string folder, Dictionary<string, string> environment, byte[] input, params string[] args)
    {
        using var process = CliProcess.StartIn(folder, environment, args);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(input, deadline.Token);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command stopped before reading its input (a setting was refused): its output says why.
        }
        await process.WaitForExitAsync(deadline.Token);
        return new CliRun(process.ExitCode, await output, await errors);
    }

    /// <summary>The lines of standard error, blank ones left out.</summary>
    public string[] ErrorLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <inheritdoc />
    public override string ToString() => $"exit {Code}\n{Out}\n{Err}";
}
