using System.CommandLine;
using MemoSync.Emulator;
using Microsoft.Extensions.Logging;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync emulator</c>: runs the Memobase-compatible server until Ctrl+C or SIGTERM.</summary>
internal static class EmulatorCommand
{
    public static Command Create()
    {
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on; loopback unless you mean to share it.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port")
        {
            Description = "Port to listen on (0: any free port).",
            DefaultValueFactory = _ => 8019,
        };
        var token = new Option<string?>("--token")
        {
            Description = "The root token, like the server's ACCESS_TOKEN.",
            DefaultValueFactory = _ => "secret",
        };
        var anyToken = new Option<bool>("--any-token")
        {
            Description = "Accept any Bearer token, like a server without ACCESS_TOKEN.",
        };
        var data = new Option<FileInfo?>("--data")
        {
            Description = "Keep the data in this SQLite file instead of in memory.",
        };
        var persistent = new Option<bool>("--persistent-chat-blobs")
        {
            Description = "Keep chat blobs after their buffer is processed.",
        };
        var faults = new FaultOptions();
        var chat = new ScriptedChatOptions();

        var command = new Command("emulator", "Run a Memobase-compatible server (API 0.0.40) with fault injection.")
        {
            host, port, token, anyToken, data, persistent,
        };
        faults.AddTo(command);
        chat.AddTo(command);
        command.Validators.Add(result =>
        {
            // Only a token given on the command line can be empty: a command validator does not see the option's default.
            if (!result.GetValue(anyToken) && result.GetResult(token) is { Implicit: false } given && string.IsNullOrWhiteSpace(given.GetValueOrDefault<string?>()))
            {
                result.AddError("--token must not be empty; use --any-token to accept any Bearer token");
            }
        });
        command.SetAction(async (result, ct) =>
        {
            var options = new EmulatorOptions
            {
                Host = result.GetValue(host)!,
                Port = result.GetValue(port),
                AccessToken = result.GetValue(anyToken) ? null : result.GetValue(token),
                DataPath = result.GetValue(data)?.FullName,
                PersistentChatBlobs = result.GetValue(persistent),
                Faults = faults.Read(result.CommandResult),
                Chat = chat.Read(result.CommandResult),
            };
            using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            await using var emulator = await MemobaseEmulator.StartAsync(options, logging, ct);
            EmulatorBanner.Write(Console.Out, emulator, options);
            try
            {
                await emulator.WaitForShutdownAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM: a normal stop.
            }
            Console.Out.WriteLine("Emulator stopped.");
            return 0;
        });
        return command;
    }
}
