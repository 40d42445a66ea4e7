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
/// durably (idempotently, by its content, as <c>import</c> does) and delivered by this process's delivery engine,
/// which pulls from the journal whatever it cannot hold; at the end it waits until every turn it recorded is
/// settled (or Memobase fails), then drains, and what is left stays pending for <c>memosync run</c>.
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
            var unreachable = await MemobaseProbe.CheckBeforeDeliveringAsync(services.GetRequiredService<IMemobaseClient>(), ct);
            var journal = services.GetRequiredService<IDialogueJournal>();
            var engine = services.GetRequiredService<DeliveryEngine>();
            engine.Start();
            using var input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            var reader = new GuideJsonlReader(input, configuration["USER_ID"], new TurnLimits());
            var (recorded, present) = (0, 0);
            var bad = new BadLineWriter(Console.Error);
            try
            {
                await foreach (var line in reader.ReadAsync(ct))
                {
                    if (line.Bad is { } error)
                    {
                        await bad.WriteAsync(error);
                        continue;
                    }
                    await bad.EndRunAsync();
                    if (await journal.ImportAsync([line.Turn!], CancellationToken.None) == 0)
                    {
                        present++;
                    }
                    else
                    {
                        recorded++;
                        engine.WakeUp();
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // SIGINT or SIGTERM: stop reading; what was recorded is drained below.
            }
            await bad.EndRunAsync();
            await SettledAsync(engine, ct);
            await engine.DrainAsync();
            var pending = (await journal.GetStatusAsync(0, CancellationToken.None)).Pending;
            Console.WriteLine($"{reader.LinesRead} lines: {recorded} turns recorded, {present} already in the journal, {bad.Count} bad; {pending} pending in the journal for memosync run.");
            if (GuideJsonlSummary.UnknownFields(reader.UnknownFields) is { Length: > 0 } unknown)
            {
                Console.WriteLine($"Fields the format does not name were ignored: {unknown}.");
            }
            Console.WriteLine(engine.Statistics.ToTable());
            return bad.Count > 0 ? ExitCodes.SomeLinesBad : unreachable?.ExitCode ?? ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// Waits while the engine still delivers: until it holds nothing and finds nothing due, or a delivery failed (what
    /// failed waits for its backoff, which <c>memosync run</c> keeps), or the command is stopped.
    /// </summary>
    private static async Task SettledAsync(DeliveryEngine engine, CancellationToken ct)
    {
        var quiet = 0;
        while (!ct.IsCancellationRequested && engine.Statistics.FailedCount == 0 && !engine.IsPaused && quiet < 5)
        {
            quiet = engine.Held == 0 ? quiet + 1 : 0;
            await Task.Delay(20, CancellationToken.None);
        }
    }
}
