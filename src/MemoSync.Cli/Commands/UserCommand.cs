using System.CommandLine;
using MemoSync.Cli.Configuration;
using MemoSync.Memobase;
using MemoSync.Memobase.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync user ID</c>: what Memobase remembers of a user, its profiles and the context an assistant would get (the guide's check_user).</summary>
internal static class UserCommand
{
    public static Command Create(CliSettings settings)
    {
        var id = new Argument<string?>("user") { Description = "The user id: a UUID v4/v5, or any string, mapped as the Python SDK does (default USER_ID).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("user", "Show a user's profiles and context in Memobase.") { id, settings.Url };
        command.SetAction(async (result, ct) =>
        {
            var configuration = settings.Load(result);
            var name = result.GetValue(id) ?? configuration["USER_ID"];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new CliFailure(ExitCodes.BadSetting, "user: name the user, or set USER_ID.");
            }
            await using var services = CliServices.Build(configuration);
            var client = services.GetRequiredService<IMemobaseClient>();
            var user = MemobaseUserId.FromUuidOrName(name);
            Console.WriteLine($"user {name} → Memobase user {user}");
            try
            {
                var profiles = await client.GetProfilesAsync(user, ct: ct);
                Console.WriteLine($"{profiles.Count} profiles:");
                foreach (var p in profiles)
                {
                    Console.WriteLine($"  {p.Attributes?.Topic}::{p.Attributes?.SubTopic}: {p.Content}");
                }
                Console.WriteLine("context:");
                Console.WriteLine(await client.GetContextAsync(user, ct: ct));
                return ExitCodes.Ok;
            }
            catch (MemobaseException e) when (e.Kind == MemobaseErrorKind.MissingUser)
            {
                throw new CliFailure(ExitCodes.NotFound, $"user: Memobase has no user {user} ({name}).", e);
            }
        });
        return command;
    }
}
