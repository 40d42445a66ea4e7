using System.CommandLine;
using MemoSync.Journal;
using MemoSync.Journal.Jsonl;
using MemoSync.Operations;

using MemoSync.Cli.Configuration;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync export</c>: the journal as the guide's JSONL, so its checks work on it.</summary>
internal static class ExportCommand
{
    public static Command Create(CliSettings settings)
    {
        var state = new Option<TurnState?>("--state") { Description = "Only turns in this state: pending, synced or dead." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var command = new Command("export", "Export turns in the guide's JSONL format.") { state, output, settings.Journal };
        command.SetAction(async (result, ct) =>
        {
            await using var store = settings.OpenExistingJournal(result);
            var exporter = new GuideJsonlExporter(store);
            if (result.GetValue(output) is not { } file)
            {
                await exporter.ExportAsync(Console.Out, result.GetValue(state), ct);
                return 0;
            }
            // Owner-only, also when it replaces an older file: it holds conversations.
            await using var writer = new StreamWriter(OwnerOnlyFile.Open(file.FullName, FileMode.Create));
            var count = await exporter.ExportAsync(writer, result.GetValue(state), ct);
            Console.WriteLine($"{count} turns written to {file.FullName}");
            return 0;
        });
        return command;
    }
}
