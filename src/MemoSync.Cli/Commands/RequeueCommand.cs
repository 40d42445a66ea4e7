using System.CommandLine;

using MemoSync.Cli.Configuration;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync requeue</c>: dead turns (or one turn) back to pending with their retries reset.</summary>
internal static class RequeueCommand
{
    public static Command Create(CliSettings settings)
    {
        var id = new Option<Guid?>("--id") { Description = "Only this turn (dead or pending)." };
        var command = new Command("requeue", "Make dead turns pending again, with retry_count 0.") { id, settings.Journal };
        command.SetAction(async (result, ct) =>
        {
            await using var store = settings.OpenExistingJournal(result);
            if (result.GetValue(id) is { } turn)
            {
                if (!await store.RequeueAsync(turn, ct))
                {
                    await Console.Error.WriteLineAsync($"requeue: turn {turn} is unknown or already synced");
                    return ExitCodes.BadSetting;
                }
                Console.WriteLine($"Turn {turn} is pending again.");
                return 0;
            }
            Console.WriteLine($"{await store.RequeueDeadAsync(ct)} dead turns are pending again.");
            return 0;
        });
        return command;
    }
}
