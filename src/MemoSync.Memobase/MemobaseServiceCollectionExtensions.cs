using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemoSync.Memobase;

/// <summary>Registers <see cref="IMemobaseClient"/> as a typed client of IHttpClientFactory.</summary>
public static class MemobaseServiceCollectionExtensions
{
    /// <summary>
    /// Adds the client configured by <paramref name="configure"/>; its options are validated when the host starts, so a bad
    /// URL stops the start. Returns the builder of its <see cref="HttpClient"/>, so handlers (resilience, a proxy, logging)
    /// can be chained onto it; the client's own timeout (<see cref="MemobaseClientOptions.Timeout"/>) bounds each request.
    /// </summary>
    public static IHttpClientBuilder AddMemobaseClient(this IServiceCollection services, Action<MemobaseClientOptions> configure)
    {
        services.AddOptions<MemobaseClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemobaseClientOptions>, MemobaseClientOptionsValidator>());
        return services.AddMemobaseClient();
    }

    /// <summary>
    /// Adds the client on options configured elsewhere (<c>services.Configure&lt;MemobaseClientOptions&gt;</c>), and returns
    /// the builder of its <see cref="HttpClient"/>; <c>AddMemoSync</c> uses it with options derived from its own. The
    /// factory's own request logging is left out: the client logs its failures itself (without the token), and a line per
    /// request, each naming a user in its path, would cost every delivery; <c>.AddDefaultLogger()</c> brings it back.
    /// </summary>
    public static IHttpClientBuilder AddMemobaseClient(this IServiceCollection services) =>
        services.AddHttpClient<IMemobaseClient, MemobaseClient>((http, sp) =>
            new MemobaseClient(http, sp.GetRequiredService<IOptions<MemobaseClientOptions>>().Value, sp.GetService<ILogger<MemobaseClient>>()))
            .RemoveAllLoggers()
            // The delivery engine, a singleton, keeps its client for the life of the process, so the factory's handler
            // rotation never reaches it: connections are renewed instead, and a Memobase whose address changes is found again.
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = ConnectionLifetime)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

    /// <summary>How long a connection to Memobase is kept before a new one is opened (and its name looked up again).</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(2);

    private sealed class MemobaseClientOptionsValidator : IValidateOptions<MemobaseClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, MemobaseClientOptions options) =>
            options.Validate() is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }
}
