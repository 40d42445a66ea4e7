using System.CommandLine;
using MemoSync.Journal;

namespace MemoSync.Cli.Commands;

/// <summary>The <c>--journal</c> option every journal command shares: the SQLite file, <c>data/memosync.db</c> unless <c>MEMOSYNC_JOURNAL</c> says otherwise.</summary>
internal static class JournalOption
{
    public static Option<string> Create() => new("--journal")
    {
        Description = "The journal's SQLite file (env MEMOSYNC_JOURNAL).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MEMOSYNC_JOURNAL") is { Length: > 0 } path ? path : "data/memosync.db",
    };

    public static SqliteJournal Open(ParseResult result, Option<string> option) =>
        SqliteJournal.Open(new SqliteJournalOptions { Path = result.GetValue(option)! });
}
