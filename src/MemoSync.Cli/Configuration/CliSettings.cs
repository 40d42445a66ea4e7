using System.CommandLine;
using MemoSync.Cli.Commands;
using MemoSync.Hosting;
using MemoSync.Journal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;

namespace MemoSync.Cli.Configuration;

/// <summary>
/// Where every command that talks to Memobase or the journal gets its settings, by the guide's names:
/// <c>appsettings.json</c>, then a <c>.env</c> file (both in the current folder), then the environment,
/// then the flags; a later source wins. The token has no flag, so it never lands in a shell history.
/// </summary>
internal sealed class CliSettings
{
    /// <summary>Prints the stack trace of an error, which is otherwise one sentence.</summary>
    public Option<bool> Verbose { get; } = new("--verbose") { Description = "On an error, print the stack trace too.", Recursive = true };

    public Option<string?> Url { get; } = new("--url") { Description = "The Memobase server root (MEMOBASE_URL; default http://localhost:8019/)." };

    public Option<string?> Journal { get; } = new("--journal")
    {
        HelpName = "location",
        Description = "The journal: a SQLite file, or postgres://user:password@host:port/database (MEMOSYNC_JOURNAL; default data/memosync.db).",
    };

    public Option<int?> SyncInterval { get; } = new("--sync-interval") { HelpName = "seconds", Description = "Seconds between two sweeps (MEMOBASE_SYNC_INTERVAL; default 300)." };

    public Option<string?> User { get; } = new("--user") { HelpName = "id", Description = "The user of lines without user_id (USER_ID)." };

    public Option<string[]> Follow { get; } = new("--follow")
    {
        HelpName = "file",
        Description = "Record each line an app appends to this file of the guide's JSONL, such as data/save_data.jsonl; may be given again (MEMOSYNC_FOLLOW).",
    };

    /// <summary>Every source, in order; the flags given on <paramref name="result"/> last.</summary>
    public IConfiguration Load(ParseResult result)
    {
        var flags = new Dictionary<string, string?>();
        Flag(result, Url, "MEMOBASE_URL", flags);
        Flag(result, Journal, "MEMOSYNC_JOURNAL", flags);
        Flag(result, User, "USER_ID", flags);
        if (result.GetResult(Follow) is not null && result.GetValue(Follow) is { Length: > 0 } files)
        {
            flags["MEMOSYNC_FOLLOW"] = string.Join(Path.PathSeparator, files);
        }
        if (result.GetResult(SyncInterval) is not null && result.GetValue(SyncInterval) is { } seconds)
        {
            flags["MEMOBASE_SYNC_INTERVAL"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var folder = Directory.GetCurrentDirectory();
        return new ConfigurationBuilder()
            .SetBasePath(folder)
            .AddJsonFile("appsettings.json", optional: true)
            // The default file provider hides dot files, .env among them.
            .Add(new DotEnvConfigurationSource { Path = ".env", Optional = true, FileProvider = new PhysicalFileProvider(folder, ExclusionFilters.None) })
            .AddEnvironmentVariables()
            .AddInMemoryCollection(flags)
            .Build();
    }

    /// <summary>The journal, for a command that only reads or repairs it: where none exists yet, none is created.</summary>
    /// <exception cref="JournalUnavailableException">There is no journal where the settings say, or it cannot be opened.</exception>
    public IDialogueJournal OpenExistingJournal(ParseResult result) => JournalAt(Load(result)).OpenExisting();

    /// <summary>Where the journal <paramref name="configuration"/> names is: a SQLite file or a PostgreSQL database.</summary>
    /// <exception cref="JournalUnavailableException">The location cannot be read.</exception>
    public static JournalLocation JournalAt(IConfiguration configuration) =>
        JournalOption.Parse(MemoSyncOptions.FromConfiguration(configuration).Journal);

    private static void Flag(ParseResult result, Option<string?> option, string name, Dictionary<string, string?> flags)
    {
        if (result.GetResult(option) is not null && result.GetValue(option) is { Length: > 0 } value)
        {
            flags[name] = value;
        }
    }
}
