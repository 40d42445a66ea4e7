using System.CommandLine;
using MemoSync.Journal;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync journal copy --from … --to …</c>: moves turns with their state between journals (SQLite, PostgreSQL).</summary>
internal static class JournalCommand
{
    /// <summary>The <c>journal</c> command with <c>copy</c> and <paramref name="more"/> subcommands.</summary>
    public static Command Create(params Command[] more)
    {
        var from = new Option<string>("--from") { Description = "The source journal: a SQLite file (or sqlite:path), or postgres://…", Required = true };
        var to = new Option<string>("--to") { Description = "The destination journal, created or migrated when needed.", Required = true };
        var page = new Option<int>("--page") { Description = "Turns per commit.", DefaultValueFactory = _ => 500 };
        var copy = new Command("copy", "Copy every turn with its state, and the marks that keep imported lines from being imported again; what the destination holds is skipped, so an interrupted copy is finished by running it again.")
        {
            from, to, page,
        };
        copy.SetAction(async (result, ct) =>
        {
            var (source, destination) = (JournalOption.Parse(result.GetValue(from)), JournalOption.Parse(result.GetValue(to)));
            if (source == destination)
            {
                await Console.Error.WriteLineAsync("journal copy: --from and --to are the same journal");
                return 2;
            }
            await using var reader = source.Open();
            await using var writer = destination.Open();
            Console.WriteLine($"copying {source} -> {destination}");
            var done = new JournalCopyResult(0, 0, 0);
            await foreach (var sofar in JournalCopier.CopyAsync(reader, writer, result.GetValue(page), ct))
            {
                done = sofar;
                await Console.Error.WriteLineAsync($"  {done.Read} read, {done.Added} added, {done.MarksAdded} import marks added");
            }
            Console.WriteLine($"{done.Read} turns read, {done.Added} added, {done.Read - done.Added} already there; {done.MarksAdded} import marks added");
            return 0;
        });
        var journal = new Command("journal", "Work on journals as a whole.") { copy };
        foreach (var command in more)
        {
            journal.Subcommands.Add(command);
        }
        return journal;
    }
}
