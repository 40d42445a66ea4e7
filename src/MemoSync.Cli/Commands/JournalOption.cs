using System.CommandLine;
using MemoSync.Journal;

namespace MemoSync.Cli.Commands;

/// <summary>
/// The <c>--journal</c> option every journal command shares: a SQLite file (<c>data/memosync.db</c>) or a PostgreSQL
/// URL, unless <c>MEMOSYNC_JOURNAL</c> says otherwise; see <see cref="JournalLocation"/>.
/// </summary>
internal static class JournalOption
{
    public static Option<string> Create(string name = "--journal", string? description = null) => new(name)
    {
        Description = description ?? "The journal: a SQLite file, or postgres://user:password@host:port/database (env MEMOSYNC_JOURNAL).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MEMOSYNC_JOURNAL") is { Length: > 0 } path ? path : JournalLocation.DefaultPath,
    };

    public static IDialogueJournal Open(ParseResult result, Option<string> option) => Parse(result.GetValue(option)).Open();

    /// <summary>Reads a location; one that cannot be read fails like a journal that cannot be opened, with the reason.</summary>
    /// <exception cref="JournalUnavailableException">The location cannot be read.</exception>
    public static JournalLocation Parse(string? location)
    {
        try
        {
            return JournalLocation.Parse(location);
        }
        catch (ArgumentException e)
        {
            throw new JournalUnavailableException(e.Message, e);
        }
    }
}
