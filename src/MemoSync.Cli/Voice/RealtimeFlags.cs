using System.CommandLine;
using MemoSync.Realtime;
using Microsoft.Extensions.Configuration;

namespace MemoSync.Cli.Voice;

/// <summary>The flags that name a realtime endpoint, shared by <c>memosync talk</c> and <c>memosync chat --realtime</c>.</summary>
internal sealed class RealtimeFlags
{
    /// <summary>The variable the realtime key is read from; the key is never a flag and never printed.</summary>
    public const string KeyVariable = "REALTIME_API_KEY";

    public Option<string?> Url { get; } = new("--realtime")
    {
        HelpName = "url",
        Description = "A realtime WebSocket endpoint such as wss://api.openai.com/v1/realtime, or the emulator's ws://127.0.0.1:8019/v1/realtime "
            + $"(REALTIME_URL). The key comes from {KeyVariable}.",
    };

    public Option<string?> Model { get; } = new("--realtime-model") { Description = "The realtime model (REALTIME_MODEL; default gpt-4o-realtime-preview)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Model);
    }

    /// <summary>The endpoint the flags or the settings name; null when none is named.</summary>
    /// <exception cref="CliFailure">The URL or the model cannot work.</exception>
    public RealtimeOptions? Read(ParseResult result, IConfiguration configuration, string command)
    {
        if ((result.GetValue(Url) ?? configuration["REALTIME_URL"]) is not { Length: > 0 } url)
        {
            return null;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint))
        {
            throw new CliFailure(ExitCodes.BadSetting, $"{command}: --realtime must be a ws or wss URL such as ws://127.0.0.1:8019/v1/realtime, got '{url}'.");
        }
        var options = new RealtimeOptions { Endpoint = endpoint, ApiKey = configuration[KeyVariable] };
        if ((result.GetValue(Model) ?? configuration["REALTIME_MODEL"]) is { Length: > 0 } model)
        {
            options = options with { Model = model };
        }
        return options.Validate() is { } error ? throw new CliFailure(ExitCodes.BadSetting, $"{command}: {error}.") : options;
    }

    /// <summary>Connects, or fails saying where and why.</summary>
    public static async Task<RealtimeConnection> ConnectAsync(RealtimeOptions options, string command, CancellationToken ct)
    {
        try
        {
            return await RealtimeConnection.ConnectAsync(options, ct: ct);
        }
        catch (RealtimeConnectionException e)
        {
            throw new CliFailure(ExitCodes.Unreachable, $"{command}: {e.Message}.");
        }
    }
}
