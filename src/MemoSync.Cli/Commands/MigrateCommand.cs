using System.CommandLine;
using MemoSync.Cli.Configuration;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync migrate</c>: creates the journal's schema or brings it to this version (daemons also do it when they start).</summary>
internal static class MigrateCommand
{
    public static Command Create(CliSettings settings)
    {
        var command = new Command("migrate", "Create the journal or apply its pending schema migrations.") { settings.Journal };
        command.SetAction(async (result, ct) =>
        {
            var location = CliSettings.JournalAt(settings.Load(result));
            var (before, after) = await location.MigrateAsync(ct);
            Console.WriteLine(before == after
                ? $"journal {location}: schema version {after}, nothing to do"
                : $"journal {location}: schema version {before} -> {after}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
