using System.CommandLine;
using MemoSync.Operations;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync journal backup FILE</c>: a consistent copy of the journal while the daemon runs (SQLite's online backup API).</summary>
internal static class JournalBackupCommand
{
    public static Command Create()
    {
        var destination = new Argument<string>("file") { Description = "The new file to write the copy to (owner-only; must not exist)." };
        var journal = JournalOption.Create();
        var command = new Command("backup", "Copy the journal consistently while the daemon runs; the copy is checked and readable by its owner only.") { destination, journal };
        command.SetAction(async (result, ct) =>
        {
            var status = await JournalBackup.CopyAsync(result.GetValue(journal)!, result.GetValue(destination)!, ct);
            Console.WriteLine($"Backed up to {Path.GetFullPath(result.GetValue(destination)!)}: {status.Pending} pending, {status.Synced} synced, {status.Dead} dead; integrity ok.");
            return 0;
        });
        return command;
    }
}
