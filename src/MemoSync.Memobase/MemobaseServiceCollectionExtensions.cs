using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemoSync.Memobase;

/// <summary>Registers <see cref="MemobaseClient"/> with an HttpClient from IHttpClientFactory.</summary>
public static class MemobaseServiceCollectionExtensions
{
    /// <summary>Adds the client; its options are validated when the host starts, so a bad URL stops the start.</summary>
    public static IServiceCollection AddMemobaseClient(this IServiceCollection services, Action<MemobaseClientOptions> configure)
    {
        services.AddOptions<MemobaseClientOptions>()
            .Configure(configure)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemobaseClientOptions>, MemobaseClientOptionsValidator>();
        services.AddHttpClient(nameof(MemobaseClient));
        services.AddTransient(sp => new MemobaseClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(MemobaseClient)),
            sp.GetRequiredService<IOptions<MemobaseClientOptions>>().Value,
            sp.GetService<ILogger<MemobaseClient>>()));
        return services;
    }

    private sealed class MemobaseClientOptionsValidator : IValidateOptions<MemobaseClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, MemobaseClientOptions options) =>
            options.Validate() is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }
}
