using System.Net;
using MemoSync.Emulator.Admin;
using MemoSync.Emulator.Api;
using MemoSync.Emulator.Chat;
using MemoSync.Emulator.Realtime;
using MemoSync.Emulator.Faults;
using MemoSync.Emulator.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemoSync.Emulator;

/// <summary>
/// A running Memobase-compatible server (API 0.0.40) on ASP.NET Core: same paths, envelope, status
/// codes, validation and authentication as the real server, with fault injection and a record of
/// what it received under <c>/_emulator</c>; beside it, a scripted OpenAI-compatible chat endpoint
/// (<c>/v1/chat/completions</c>) to test conversations without an LLM.
/// </summary>
public sealed class MemobaseEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MemobaseEmulator(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The root of the server, e.g. <c>http://127.0.0.1:8019/</c>; the API is under <c>api/v1</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The faults injected now; setting them takes effect for the next request.</summary>
    /// <exception cref="ArgumentException">The settings are invalid (a rate outside 0..1, a negative latency).</exception>
    public FaultSettings Faults
    {
        get => _app.Services.GetRequiredService<FaultInjector>().Settings;
        set => _app.Services.GetRequiredService<FaultInjector>().Settings = value;
    }

    /// <summary>How the scripted chat endpoint answers now; setting them starts its script again from the first answer.</summary>
    /// <exception cref="ArgumentException">The settings are invalid (a rate outside 0..1, a negative latency).</exception>
    public ScriptedChatSettings ChatSettings
    {
        get => _app.Services.GetRequiredService<ScriptedChat>().Settings;
        set => _app.Services.GetRequiredService<ScriptedChat>().Settings = value;
    }

    /// <summary>The chat completion requests the scripted chat endpoint received, oldest first.</summary>
    public IReadOnlyList<ReceivedChatRequest> GetChatRequests() => _app.Services.GetRequiredService<ReceivedLog<ReceivedChatRequest>>().Snapshot();

    /// <summary>The responses the scripted realtime endpoint gave, oldest first.</summary>
    public IReadOnlyList<ReceivedRealtimeResponse> GetRealtimeResponses() => _app.Services.GetRequiredService<ReceivedLog<ReceivedRealtimeResponse>>().Snapshot();

    /// <summary>The blobs received per user, with duplicates by <c>fields.memosync_turn_id</c>.</summary>
    public EmulatorStats GetStats() => _app.Services.GetRequiredService<ReceivedLedger>().Snapshot();

    /// <summary>Starts the emulator and returns once it listens.</summary>
    /// <param name="options">Where to listen, the token, the storage and the initial faults.</param>
    /// <param name="loggerFactory">Where the server logs; nothing is logged when null.</param>
    /// <param name="ct">Cancels the start.</param>
    public static async Task<MemobaseEmulator> StartAsync(EmulatorOptions options, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Faults.Validate() is { } faultError)
        {
            throw new ArgumentException($"Invalid fault settings: {faultError}", nameof(options));
        }
        if (options.Chat.Validate() is { } chatError)
        {
            throw new ArgumentException($"Invalid chat settings: {chatError}", nameof(options));
        }
        if (!IPAddress.TryParse(options.Host, out var address) && options.Host != "localhost")
        {
            throw new ArgumentException($"Host must be an IP address or localhost, got '{options.Host}'", nameof(options));
        }
        // Rooted in its own folder: rooted in the working directory, the configuration's file watcher would wake at every
        // write there (a journal's, say) for as long as the emulator runs.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory ?? NullLoggerFactory.Instance);
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (address is null)
            {
                k.ListenLocalhost(options.Port);
            }
            else
            {
                k.Listen(address, options.Port);
            }
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.AddSingleton(sp => new EmulatorStore(options.DataPath, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<MatcherPolicy, CaseSensitiveRoutes>();
        builder.Services.AddSingleton<BufferProcessor>();
        builder.Services.AddSingleton<ReceivedLedger>();
        builder.Services.AddSingleton<InsertUsage>();
        builder.Services.AddSingleton(new FaultInjector(options.Faults));
        builder.Services.AddSingleton(new ScriptedChat(options.Chat));
        builder.Services.AddSingleton<ReceivedLog<ReceivedChatRequest>>();
        builder.Services.AddSingleton<ReceivedLog<ReceivedRealtimeResponse>>();

        var app = builder.Build();
        app.UseStatusCodePages(async context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            var text = status == 405 ? "Method Not Allowed" : "Not Found";
            await new Detail(text).ToResult(status).ExecuteAsync(context.HttpContext);
        });
        app.UseWebSockets();
        // Routing first, so that faults and authentication judge the route chosen, not a second reading of the path.
        app.UseRouting();
        app.UseMiddleware<FaultMiddleware>();
        app.UseMiddleware<BearerAuthMiddleware>();
        app.UseMiddleware<ProcessTimeMiddleware>();
        app.UseMiddleware<TrailingSlashRedirect>();
        var api = app.MapGroup(EmulatorPaths.Api).WithMetadata(RouteKind.Api);
        api.MapGet("/healthcheck", () => Envelope.Ok()).WithMetadata(RouteKind.Healthcheck);
        UserEndpoints.Map(api);
        BlobEndpoints.Map(api);
        BufferEndpoints.Map(api);
        ProfileEndpoints.Map(api);
        EventEndpoints.Map(api);
        ContextEndpoints.Map(api);
        ProjectEndpoints.Map(api);
        AdminEndpoints.Map(app);
        ChatCompletionEndpoints.Map(app);
        RealtimeEndpoints.Map(app);

        await app.StartAsync(ct);
        var listening = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new MemobaseEmulator(app, new Uri(listening.EndsWith('/') ? listening : listening + "/"));
    }

    /// <summary>Completes when the emulator stops or <paramref name="ct"/> is cancelled.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    /// <summary>Stops listening, waits for background buffer processing, and closes the storage.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.Services.GetRequiredService<BufferProcessor>().DrainAsync();
        await _app.DisposeAsync();
    }
}
