using System.CommandLine;
using MemoSync.Cli.Configuration;
using MemoSync.Delivery;
using MemoSync.Journal;
using MemoSync.Journal.Jsonl;
using MemoSync.Memobase;
using Microsoft.Extensions.DependencyInjection;

namespace MemoSync.Cli.Commands;

/// <summary>
/// <c>memosync record [FILE|-]</c>: turns as the guide's JSONL from any program. Each good line is recorded
/// durably (idempotently, by its content, as <c>import</c> does) and offered to a real-time worker in this
/// process; at the end the worker drains for a bounded time and the rest stays pending for <c>memosync run</c>.
/// </summary>
internal static class RecordCommand
{
    public static Command Create(CliSettings settings)
    {
        var file = new Argument<string>("file") { Description = "A JSONL file, or - for standard input (the default).", DefaultValueFactory = _ => "-" };
        var command = new Command("record", "Record turns (the guide's JSONL, one a line) from standard input or a file, and deliver them at once.")
        {
            file, settings.User, settings.Url, settings.Journal,
        };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            if (path != "-" && !File.Exists(path))
            {
                throw new CliFailure(ExitCodes.BadSetting, $"record: {Path.GetFullPath(path)} does not exist.");
            }
            var configuration = settings.Load(result);
            await using var services = CliServices.Build(configuration);
            var unreachable = await MemobaseProbe.CheckBeforeDeliveringAsync(services.GetRequiredService<MemobaseClient>(), ct);
            var journal = services.GetRequiredService<IDialogueJournal>();
            var worker = services.GetRequiredService<RealtimeSyncWorker>();
            using var input = path == "-" ? new StreamReader(Console.OpenStandardInput()) : File.OpenText(path);
            var reader = new GuideJsonlReader(input, configuration["USER_ID"], new TurnLimits());
            var (recorded, present, bad) = (0, 0, 0);
            try
            {
                await foreach (var line in reader.ReadAsync(ct))
                {
                    if (line.Bad is { } error)
                    {
                        bad++;
                        await Console.Error.WriteLineAsync($"  line {error.Number}: {error.Reason}");
                    }
                    else if (await journal.ImportAsync([line.Turn!], CancellationToken.None) == 0)
                    {
                        present++;
                    }
                    else
                    {
                        recorded++;
                        if (!line.Turn!.Synced)
                        {
                            worker.TryEnqueue(line.Turn.Turn);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // SIGINT or SIGTERM: stop reading; what was recorded is drained below.
            }
            await worker.DisposeAsync();
            var pending = (await journal.GetStatusAsync(0, CancellationToken.None)).Pending;
            Console.WriteLine($"{reader.LinesRead} lines: {recorded} turns recorded, {present} already in the journal, {bad} bad; {pending} pending in the journal for memosync run.");
            Console.WriteLine(worker.Statistics.ToTable());
            return bad > 0 ? ExitCodes.SomeLinesBad : unreachable?.ExitCode ?? ExitCodes.Ok;
        });
        return command;
    }
}
