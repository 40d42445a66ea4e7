using MemoSync.Hosting;
using MemoSync.Memobase;

namespace MemoSync.Cli.Commands;

/// <summary>A Memobase client from the guide's environment (MEMOBASE_URL, MEMOBASE_TOKEN), for the commands that talk to Memobase.</summary>
internal static class MemobaseConnection
{
    public static (MemobaseClient Client, MemoSyncOptions Options) FromEnvironment(HttpClient http)
    {
        var options = MemoSyncOptions.FromEnvironment(Environment.GetEnvironmentVariable);
        return (new MemobaseClient(http, new MemobaseClientOptions { BaseUrl = options.MemobaseUrl, Token = options.MemobaseToken, Timeout = TimeSpan.FromSeconds(10) }), options);
    }
}
