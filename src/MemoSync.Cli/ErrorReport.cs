using MemoSync.Journal;
using MemoSync.Memobase.Errors;
using Microsoft.Extensions.Options;

namespace MemoSync.Cli;

/// <summary>Turns what stopped a command into one sentence on standard error and its exit code; the stack trace only with <c>--verbose</c>.</summary>
internal static class ErrorReport
{
    public static async Task<int> WriteAsync(Exception error, bool verbose)
    {
        var (code, sentence) = Classify(error);
        await Console.Error.WriteLineAsync($"memosync: {sentence}");
        if (verbose)
        {
            await Console.Error.WriteLineAsync(error.ToString());
        }
        else if (code == ExitCodes.Unexpected)
        {
            await Console.Error.WriteLineAsync("memosync: run with --verbose for the stack trace.");
        }
        return code;
    }

    private static (int Code, string Sentence) Classify(Exception error) => error switch
    {
        CliFailure failure => (failure.ExitCode, failure.Message),
        OptionsValidationException invalid => (ExitCodes.BadSetting, string.Join(Environment.NewLine + "memosync: ", invalid.Failures)),
        AggregateException all when all.InnerExceptions.All(e => e is OptionsValidationException) =>
            (ExitCodes.BadSetting, string.Join(Environment.NewLine + "memosync: ", all.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures))),
        // A configuration file that cannot be read: the provider's message names the file, the inner one the line.
        InvalidDataException file => (ExitCodes.BadSetting, $"{file.Message} {file.InnerException?.Message}".TrimEnd()),
        MemobaseException memobase => (memobase.Kind == MemobaseErrorKind.Configuration ? ExitCodes.Refused : ExitCodes.Unreachable, memobase.Message),
        JournalUnavailableException journal => (ExitCodes.JournalUnavailable, journal.Message),
        ArgumentException argument => (ExitCodes.BadSetting, argument.Message),
        _ => (ExitCodes.Unexpected, $"unexpected error: {error.Message}"),
    };
}
