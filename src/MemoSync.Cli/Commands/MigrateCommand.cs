using System.CommandLine;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync migrate</c>: creates the journal's schema or brings it to this version (daemons also do it when they start).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var journal = JournalOption.Create();
        var command = new Command("migrate", "Create the journal or apply its pending schema migrations.") { journal };
        command.SetAction(async (result, ct) =>
        {
            var location = JournalOption.Parse(result.GetValue(journal));
            var (before, after) = await location.MigrateAsync(ct);
            Console.WriteLine(before == after
                ? $"journal {location}: schema version {after}, nothing to do"
                : $"journal {location}: schema version {before} -> {after}");
            return 0;
        });
        return command;
    }
}
