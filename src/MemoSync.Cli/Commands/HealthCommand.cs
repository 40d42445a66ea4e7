using System.CommandLine;
using MemoSync.Journal;
using MemoSync.Memobase.Errors;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync health</c>: is Memobase reachable and does it accept our token; can the journal be read. The exit code says which failed.</summary>
internal static class HealthCommand
{
    /// <summary>Memobase cannot be reached (down, wrong host or port).</summary>
    public const int Unreachable = 3;

    /// <summary>Memobase refuses the token or the URL is not its root.</summary>
    public const int Refused = 4;

    /// <summary>The journal cannot be opened or read.</summary>
    public const int JournalBroken = 5;

    public static Command Create()
    {
        var command = new Command("health", $"Check Memobase and the journal; exit 0 when both are fine, {Unreachable} Memobase unreachable, {Refused} refused, {JournalBroken} journal unreadable.");
        command.SetAction(async (_, ct) =>
        {
            using var http = new HttpClient();
            try
            {
                var (client, options) = MemobaseConnection.FromEnvironment(http);
                var code = 0;
                try
                {
                    await client.HealthCheckAsync(ct);
                    await client.GetProfileConfigAsync(ct);
                    Console.WriteLine($"memobase: ok ({client.ApiRoot})");
                }
                catch (MemobaseException e)
                {
                    Console.WriteLine($"memobase: {e.Message}");
                    code = e.Kind == MemobaseErrorKind.Configuration ? Refused : Unreachable;
                }
                try
                {
                    var location = JournalOption.Parse(options.JournalPath);
                    await using var journal = location.Open();
                    var status = await journal.GetStatusAsync(0, ct);
                    Console.WriteLine($"journal: ok ({location}: {status.Pending} pending, {status.Dead} dead)");
                }
                catch (JournalUnavailableException e)
                {
                    Console.WriteLine($"journal: {e.Message}");
                    code = code == 0 ? JournalBroken : code;
                }
                return code;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"health: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
