using System.CommandLine;
using MemoSync.Cli.Commands;

namespace MemoSync.Cli;

/// <summary>The root of the <c>memosync</c> command line.</summary>
internal static class MemoSyncCommand
{
    public static RootCommand Create() =>
        new("memosync: deliver every conversation turn to Memobase, exactly once.")
        {
            RunCommand.Create(),
            DemoCommand.Create(),
            EmulatorCommand.Create(),
            ImportCommand.Create(),
            ExportCommand.Create(),
            StatusCommand.Create(),
            RequeueCommand.Create(),
            HealthCommand.Create(),
            UserCommand.Create(),
            ServiceCommand.Create(),
            PurgeCommand.Create(),
            new Command("journal", "Look after the journal file.") { JournalBackupCommand.Create() },
        };
}
