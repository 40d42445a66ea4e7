using System.CommandLine;
using MemoSync.Cli.Configuration;
using MemoSync.Journal;
using MemoSync.Journal.Jsonl;
using Spectre.Console;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync import FILE</c>: the guide's save_data.jsonl into the journal, idempotently.</summary>
internal static class ImportCommand
{
    public static Command Create(CliSettings settings)
    {
        var file = new Argument<FileInfo>("file") { Description = "A JSONL file in the guide's format (data/save_data.jsonl)." };
        var command = new Command("import", "Import the guide's JSONL: unsynced lines become pending turns, synced ones history.") { file, settings.User, settings.Journal };
        command.SetAction(async (result, ct) =>
        {
            var input = result.GetValue(file)!;
            if (!input.Exists)
            {
                await Console.Error.WriteLineAsync($"import: {input.FullName} does not exist");
                return ExitCodes.BadSetting;
            }
            var configuration = settings.Load(result);
            var user = configuration["USER_ID"];
            await using var store = CliSettings.JournalAt(configuration).Open();
            await using var stream = input.OpenRead();
            var importer = new GuideJsonlImporter(store, new TurnLimits());
            var report = Console.IsOutputRedirected
                ? await importer.ImportAsync(stream, user, null, ct)
                : await WithProgressAsync(stream, p => importer.ImportAsync(stream, user, p, ct));

            Console.WriteLine($"{input.Name}: {report.Lines} lines, {report.Imported} turns imported, {report.AlreadyPresent} already in the journal, {report.BadLines.Count} bad.");
            if (report.UnknownFieldsText is { Length: > 0 } unknown)
            {
                Console.WriteLine($"Fields the format does not name were ignored: {unknown}.");
            }
            var badLines = new BadLineWriter(Console.Error);
            foreach (var bad in report.BadLines)
            {
                await badLines.WriteAsync(bad);
            }
            await badLines.EndRunAsync();
            return report.BadLines.Count == 0 ? ExitCodes.Ok : ExitCodes.SomeLinesBad;
        });
        return command;
    }

    private static async Task<ImportReport> WithProgressAsync(Stream stream, Func<IProgress<ImportProgress>, Task<ImportReport>> import)
    {
        ImportReport? report = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("importing", maxValue: Math.Max(1, stream.Length));
                report = await import(new Progress<ImportProgress>(p =>
                {
                    task.Value = p.Bytes;
                    task.Description = $"{p.Lines:N0} lines";
                }));
                task.Value = task.MaxValue;
            });
        return report!;
    }
}
