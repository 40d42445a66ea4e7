using System.CommandLine;
using MemoSync.Cli.Configuration;
using MemoSync.Operations;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync journal backup FILE</c>: a consistent copy of the SQLite journal while the daemon runs (SQLite's online backup API).</summary>
internal static class JournalBackupCommand
{
    public static Command Create(CliSettings settings)
    {
        var destination = new Argument<string>("file") { Description = "The new file to write the copy to (owner-only; must not exist)." };
        var command = new Command("backup", "Copy the SQLite journal consistently while the daemon runs; the copy is checked and readable by its owner only.")
        {
            destination, settings.Journal,
        };
        command.SetAction(async (result, ct) =>
        {
            var journal = CliSettings.JournalAt(settings.Load(result));
            if (journal.SqlitePath is not { } path)
            {
                throw new CliFailure(ExitCodes.BadSetting, "journal backup copies a SQLite journal; back up a PostgreSQL journal with pg_dump, or journal copy it to a SQLite file.");
            }
            var status = await JournalBackup.CopyAsync(path, result.GetValue(destination)!, ct);
            Console.WriteLine($"Backed up to {Path.GetFullPath(result.GetValue(destination)!)}: {status.Pending} pending, {status.Synced} synced, {status.Dead} dead; integrity ok.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
