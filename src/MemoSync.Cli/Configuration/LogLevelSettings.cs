using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MemoSync.Cli.Configuration;

/// <summary>
/// The <c>Logging</c> section's levels, checked before the host reads them: the logging library's own refusal names
/// neither the setting nor the levels it takes.
/// </summary>
internal static class LogLevelSettings
{
    /// <summary>Fails naming the first level under <paramref name="logging"/> that is not a log level.</summary>
    /// <exception cref="CliFailure">A <c>LogLevel</c> value is not one of .NET's levels.</exception>
    public static IConfigurationSection Checked(IConfigurationSection logging)
    {
        var levels = logging.AsEnumerable().Where(s => s.Value is not null && s.Key.Split(':').Contains("LogLevel", StringComparer.OrdinalIgnoreCase));
        foreach (var (key, value) in levels)
        {
            if (!Enum.TryParse<LogLevel>(value, ignoreCase: true, out _))
            {
                throw new CliFailure(ExitCodes.BadSetting,
                    $"{key} is '{value}', not a log level: use {string.Join(", ", Enum.GetNames<LogLevel>())}.");
            }
        }
        return logging;
    }
}
