using System.CommandLine;
using System.CommandLine.Help;
using MemoSync.Cli.Commands;
using MemoSync.Cli.Configuration;

namespace MemoSync.Cli;

/// <summary>The root of the <c>memosync</c> command line.</summary>
internal static class MemoSyncCommand
{
    /// <summary>The command's name in help and errors, whatever the file that runs it (a RootCommand would take <c>MemoSync.Cli</c>, the assembly's).</summary>
    public const string Name = "memosync";

    public static Command Create(CliSettings settings) =>
        new(Name, "memosync: deliver every conversation turn to Memobase, exactly once. Settings (MEMOBASE_URL, MEMOBASE_TOKEN, USER_ID, "
            + "MEMOBASE_SYNC_INTERVAL, MEMOSYNC_JOURNAL) come from appsettings.json, then .env, then the environment, then flags; a later one wins.")
        {
            new HelpOption(),
            new VersionOption(),
            settings.Verbose,
            RunCommand.Create(settings),
            RecordCommand.Create(settings),
            DemoCommand.Create(),
            EmulatorCommand.Create(),
            ImportCommand.Create(settings),
            ExportCommand.Create(settings),
            StatusCommand.Create(settings),
            RequeueCommand.Create(settings),
            MigrateCommand.Create(settings),
            JournalCommand.Create(JournalBackupCommand.Create(settings)),
            HealthCommand.Create(settings),
            UserCommand.Create(settings),
            ChatCommand.Create(settings),
            TalkCommand.Create(settings),
            ServiceCommand.Create(),
            PurgeCommand.Create(settings),
        };
}
