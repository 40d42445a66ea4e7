namespace MemoSync.Cli;

/// <summary>An expected failure: one sentence for standard error and the exit code that goes with it.</summary>
internal sealed class CliFailure(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>One of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; } = exitCode;
}
