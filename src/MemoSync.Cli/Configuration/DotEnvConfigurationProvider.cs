using Microsoft.Extensions.Configuration;

namespace MemoSync.Cli.Configuration;

/// <summary>
/// Reads <c>NAME=VALUE</c> lines: blank lines and <c>#</c> comments are skipped, an <c>export </c> prefix is
/// allowed, a value may be quoted with <c>"</c> or <c>'</c>, and an unquoted value ends at <c> #</c>. A line that is none
/// of these is named by its number; its text is not repeated, since it may hold the token.
/// </summary>
internal sealed class DotEnvConfigurationProvider(DotEnvConfigurationSource source) : FileConfigurationProvider(source)
{
    public override void Load(Stream stream)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        using var reader = new StreamReader(stream);
        var number = 0;
        while (reader.ReadLine() is { } raw)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? line[..equals].Trim() : "";
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new FormatException($".env line {number} is not NAME=VALUE.");
            }
            data[name] = Value(line[(equals + 1)..].Trim(), number);
        }
        Data = data;
    }

    private static string Value(string text, int number)
    {
        if (text.Length > 0 && text[0] is '"' or '\'')
        {
            var close = text.IndexOf(text[0], 1);
            if (close < 0)
            {
                throw new FormatException($".env line {number} opens a quote it does not close.");
            }
            return text[1..close];
        }
        var comment = text.IndexOf(" #", StringComparison.Ordinal);
        return (comment < 0 ? text : text[..comment]).TrimEnd();
    }
}
