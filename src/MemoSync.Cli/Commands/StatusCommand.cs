using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

using MemoSync.Cli.Configuration;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync status</c>: what the journal holds, as a table or JSON.</summary>
internal static class StatusCommand
{
    public static Command Create(CliSettings settings)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var command = new Command("status", "Counts by state and user, the oldest pending turn, the latest errors.") { json, settings.Journal };
        var modes = StatusModes.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var store = settings.OpenExistingJournal(result);
            if (await modes.RunAsync(result, store, ct) is { } code)
            {
                return code;
            }
            var status = await store.GetStatusAsync(10, ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(status, CliJsonContext.Default.JournalStatus));
                return 0;
            }
            var age = status.OldestPending is { } oldest ? $" (oldest {DateTimeOffset.UtcNow - oldest:d\\.hh\\:mm\\:ss} ago)" : "";
            AnsiConsole.MarkupLineInterpolated($"pending [yellow]{status.Pending}[/]{age}, synced [green]{status.Synced}[/], dead [red]{status.Dead}[/]");
            var users = new Table().AddColumns("user", "pending", "synced", "dead");
            foreach (var user in status.Users)
            {
                users.AddRow(Markup.Escape(user.UserId), user.Pending.ToString(), user.Synced.ToString(), user.Dead.ToString());
            }
            AnsiConsole.Write(users);
            if (status.RecentErrors.Count > 0)
            {
                var errors = new Table().AddColumns("turn", "user", "state", "retries", "last error");
                foreach (var error in status.RecentErrors)
                {
                    errors.AddRow(error.TurnId.ToString(), Markup.Escape(error.UserId), error.State.ToString(), error.RetryCount.ToString(), Markup.Escape(error.Error));
                }
                AnsiConsole.Write(errors);
            }
            return 0;
        });
        return command;
    }
}
