using System.CommandLine;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync requeue</c>: dead turns (or one turn) back to pending with their retries reset.</summary>
internal static class RequeueCommand
{
    public static Command Create()
    {
        var id = new Option<Guid?>("--id") { Description = "Only this turn (dead or pending)." };
        var journal = JournalOption.Create();
        var command = new Command("requeue", "Make dead turns pending again, with retry_count 0.") { id, journal };
        command.SetAction(async (result, ct) =>
        {
            await using var store = JournalOption.Open(result, journal);
            if (result.GetValue(id) is { } turn)
            {
                if (!await store.RequeueAsync(turn, ct))
                {
                    await Console.Error.WriteLineAsync($"requeue: turn {turn} is unknown or already synced");
                    return 2;
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
