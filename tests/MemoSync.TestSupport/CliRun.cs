namespace MemoSync.TestSupport;

/// <summary>A <c>memosync</c> command run to its end: exit code, standard output and standard error.</summary>
/// <param name="Code">The exit code.</param>
/// <param name="Out">Standard output.</param>
/// <param name="Err">Standard error.</param>
public sealed record CliRun(int Code, string Out, string Err)
{
    /// <summary>Runs <c>memosync ARGS</c> (see <see cref="CliProcess.Start"/>) and waits up to two minutes for it to exit.</summary>
    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = CliProcess.Start(environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        return new CliRun(process.ExitCode, await output, await errors);
    }

    /// <summary>Everything the command printed, for assertion messages.</summary>
    public override string ToString() => $"exit {Code}\n{Out}\n{Err}";
}
