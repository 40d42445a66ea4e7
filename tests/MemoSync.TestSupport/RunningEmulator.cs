using MemoSync.Emulator;
using MemoSync.Memobase;

namespace MemoSync.TestSupport;

/// <summary>An emulator on a free loopback port and a client for it, over real HTTP; disposed after the test.</summary>
public sealed class RunningEmulator : IAsyncDisposable
{
    /// <summary>The root token every test emulator uses.</summary>
    public const string Token = "test-root-token-7f3a";

    private RunningEmulator(MemobaseEmulator emulator, ContractRecorder recorder, HttpClient http)
    {
        Emulator = emulator;
        Recorder = recorder;
        Http = http;
        Client = new MemobaseClient(http, new MemobaseClientOptions { BaseUrl = emulator.BaseAddress.ToString(), Token = Token });
    }

    /// <summary>The server.</summary>
    public MemobaseEmulator Emulator { get; }

    /// <summary>A client whose every exchange <see cref="Recorder"/> keeps for the contract check.</summary>
    public MemobaseClient Client { get; }

    /// <summary>Every exchange of <see cref="Client"/> and <see cref="Http"/>.</summary>
    public ContractRecorder Recorder { get; }

    /// <summary>A raw HttpClient on the same recorder, for requests our client refuses to send.</summary>
    public HttpClient Http { get; }

    /// <summary>The API root, <c>http://127.0.0.1:port/api/v1/</c>.</summary>
    public Uri Api => new(Emulator.BaseAddress, "api/v1/");

    /// <summary>Starts an emulator; <paramref name="configure"/> may change its options (port and token are set).</summary>
    public static async Task<RunningEmulator> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { Port = 0, AccessToken = Token };
        configure?.Invoke(options);
        var emulator = await MemobaseEmulator.StartAsync(options);
        var recorder = new ContractRecorder(new SocketsHttpHandler());
        return new RunningEmulator(emulator, recorder, new HttpClient(recorder));
    }

    /// <summary>A request on the raw client with the root token.</summary>
    public HttpRequestMessage Request(HttpMethod method, string apiPath, string? json = null)
    {
        var request = new HttpRequestMessage(method, new Uri(Api, apiPath));
        request.Headers.Authorization = new("Bearer", Token);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }
        return request;
    }

    /// <summary>Gives the user named <paramref name="user"/> (created if new) a profile, so Memobase has memory of them: <c>topic::subTopic: content</c>.</summary>
    public async Task RememberAsync(string user, string content, string topic, string subTopic)
    {
        var id = MemobaseUserId.FromName(user);
        await Client.GetOrCreateUserAsync(id);
        await Client.AddProfileAsync(id, content, topic, subTopic);
    }

    /// <summary>Waits until the emulator has received <paramref name="blobs"/> blobs; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForBlobsAsync(long blobs, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (Emulator.GetStats().BlobsReceived < blobs)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>The turn ids (<c>fields.memosync_turn_id</c>) the emulator stored for a user, in the order it stored them, repeats included.</summary>
    public async Task<List<Guid>> StoredTurnIdsAsync(string user)
    {
        var id = MemobaseUserId.FromUuidOrName(user);
        var turns = new List<Guid>();
        for (var page = 0; ; page++)
        {
            var blobs = await Client.ListBlobIdsAsync(id, page: page, pageSize: 100);
            foreach (var blob in blobs)
            {
                turns.Add(Guid.Parse((await Client.GetBlobAsync(id, blob)).Fields!["memosync_turn_id"]!.GetValue<string>()));
            }
            if (blobs.Count < 100)
            {
                return turns;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}
