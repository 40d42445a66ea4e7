using System.CommandLine;
using System.CommandLine.Parsing;

namespace MemoSync.Cli;

/// <summary>
/// A command line that cannot be parsed, as one sentence per error on standard error and <see cref="ExitCodes.BadSetting"/>:
/// a value of the wrong kind names the option, the value and what it must be, where the parser would name a .NET type
/// (<c>System.Nullable`1[System.Int32]</c>) and print the whole help.
/// </summary>
internal static class ParseErrorReport
{
    public static async Task<int> WriteAsync(ParseResult parsed)
    {
        foreach (var error in parsed.Errors)
        {
            await Console.Error.WriteLineAsync($"{MemoSyncCommand.Name}: {Sentence(error)}");
        }
        await Console.Error.WriteLineAsync($"{MemoSyncCommand.Name}: '{MemoSyncCommand.Name} --help' lists the commands and their options.");
        return ExitCodes.BadSetting;
    }

    private static string Sentence(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult result => result,
            ArgumentResult { Parent: OptionResult result } => result,
            _ => null,
        };
        var kind = option is null ? null : Nullable.GetUnderlyingType(option.Option.ValueType) ?? option.Option.ValueType;
        // The parser's own sentence names the type (Nullable`1[Int32] or the enum) only when the value could not be converted to it.
        if (option is null || kind is null || !error.Message.Contains(kind.ToString(), StringComparison.Ordinal))
        {
            return error.Message;
        }
        var value = string.Join(' ', option.Tokens.Select(t => t.Value));
        return $"{option.Option.Name} '{value}' cannot be used: it must be {Expected(kind)}.";
    }

    private static string Expected(Type kind)
    {
        if (kind.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(kind).Select(n => n.ToLowerInvariant()));
        }
        return Type.GetTypeCode(kind) switch
        {
            TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 or TypeCode.Byte => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number, such as 1.5",
            TypeCode.Boolean => "true or false",
            _ when kind == typeof(Guid) => "a UUID",
            _ => $"what '{MemoSyncCommand.Name} --help' gives for it",
        };
    }
}
