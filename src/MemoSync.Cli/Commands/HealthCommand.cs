using System.CommandLine;
using MemoSync.Cli.Configuration;
using MemoSync.Journal;
using MemoSync.Memobase;
using Microsoft.Extensions.DependencyInjection;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync health</c>: is Memobase reachable and does it accept our token; can the journal be read. The exit code says which failed.</summary>
internal static class HealthCommand
{
    public static Command Create(CliSettings settings)
    {
        var command = new Command("health",
            $"Check Memobase and the journal; exit 0 when both are fine, {ExitCodes.Unreachable} Memobase unreachable, {ExitCodes.Refused} refused, {ExitCodes.JournalUnavailable} journal unreadable.")
        {
            settings.Url, settings.Journal,
        };
        command.SetAction(async (result, ct) =>
        {
            await using var services = CliServices.Build(settings.Load(result));
            var client = services.GetRequiredService<IMemobaseClient>();
            var code = ExitCodes.Ok;
            try
            {
                await MemobaseProbe.CheckAsync(client, ct);
                Console.WriteLine($"memobase: ok ({client.ApiRoot})");
            }
            catch (CliFailure e)
            {
                Console.WriteLine($"memobase: {e.Message}");
                code = e.ExitCode;
            }
            var journal = CliSettings.JournalAt(settings.Load(result));
            try
            {
                _ = CliSettings.Existing(journal);
                var status = await services.GetRequiredService<IDialogueJournal>().GetStatusAsync(0, ct);
                Console.WriteLine($"journal: ok ({journal}: {status.Pending} pending, {status.Dead} dead)");
            }
            catch (JournalUnavailableException e)
            {
                Console.WriteLine($"journal: {e.Message}");
                code = code == ExitCodes.Ok ? ExitCodes.JournalUnavailable : code;
            }
            return code;
        });
        return command;
    }
}
