using System.CommandLine;
using MemoSync.Memobase;
using MemoSync.Memobase.Errors;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync user ID</c>: what Memobase remembers of a user, its profiles and the context an assistant would get (the guide's check_user).</summary>
internal static class UserCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("user") { Description = "The user id: a UUID v4/v5, or any string, mapped as the Python SDK does (default USER_ID)." };
        id.DefaultValueFactory = _ => Environment.GetEnvironmentVariable("USER_ID") ?? "";
        var command = new Command("user", "Show a user's profiles and context in Memobase.") { id };
        command.SetAction(async (result, ct) =>
        {
            using var http = new HttpClient();
            try
            {
                var (client, _) = MemobaseConnection.FromEnvironment(http);
                var name = result.GetValue(id)!;
                var user = MemobaseUserId.FromUuidOrName(name);
                Console.WriteLine($"user {name} → Memobase user {user}");
                var profiles = await client.GetProfilesAsync(user, ct: ct);
                Console.WriteLine($"{profiles.Count} profiles:");
                foreach (var p in profiles)
                {
                    Console.WriteLine($"  {p.Attributes?.Topic}::{p.Attributes?.SubTopic}: {p.Content}");
                }
                Console.WriteLine("context:");
                Console.WriteLine(await client.GetContextAsync(user, ct: ct));
                return 0;
            }
            catch (MemobaseException e)
            {
                await Console.Error.WriteLineAsync($"user: {e.Message}");
                return e.Kind == MemobaseErrorKind.MissingUser ? 3 : 1;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"user: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
