using System.CommandLine;
using System.CommandLine.Parsing;

namespace MemoSync.Cli;

/// <summary>
/// Validators that read parsed values. System.CommandLine runs validators on a value it could not convert too, and reading
/// that value throws; such a value is already the parser's own error, said in one sentence (exit 2), so the check is left out.
/// </summary>
internal static class ReadableValues
{
    /// <summary>Adds to <paramref name="option"/> the check <paramref name="error"/> (null when the value is fine) of a value that could be read.</summary>
    public static void Check<T>(this Option<T> option, Func<T?, string?> error) => option.Validators.Add(result =>
    {
        if (TryRead(() => result.GetValueOrDefault<T>(), out var value) && error(value) is { } problem)
        {
            result.AddError(problem);
        }
    });

    /// <summary>Adds to <paramref name="command"/> a validator that reads its values; it is left out when one of them cannot be read.</summary>
    public static void Check(this Command command, Action<CommandResult> validate) => command.Validators.Add(result =>
        TryRead(() => { validate(result); return true; }, out _));

    private static bool TryRead<T>(Func<T> read, out T? value)
    {
        try
        {
            value = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
