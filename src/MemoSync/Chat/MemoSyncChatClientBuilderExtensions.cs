using MemoSync.Dialogue;
using MemoSync.Hosting;
using MemoSync.Memory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemoSync.Chat;

/// <summary><c>chatClient.AsBuilder().UseMemoSync()</c>: the user's Memobase memory in the system prompt and every exchange recorded.</summary>
public static class MemoSyncChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="MemoSyncChatClient"/> to the pipeline, made from MemoSync's services in the builder's service provider
    /// (<c>services.AddMemoSync(...)</c> first, then <c>services.AddChatClient(...).UseMemoSync()</c> or <c>.Build(serviceProvider)</c>).
    /// </summary>
    /// <exception cref="ArgumentException">An option cannot work; the message names it.</exception>
    public static ChatClientBuilder UseMemoSync(this ChatClientBuilder builder, Action<MemoSyncChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MemoSyncChatClientOptions();
        configure?.Invoke(options);
        if (options.UserId is null || options.SessionId is null)
        {
            throw new ArgumentException("UseMemoSync: UserId and SessionId must not be null (return null from them for calls without one)", nameof(configure));
        }
        if (options.MemoryOptions(new MemoryContextOptions()).Validate() is { } error)
        {
            throw new ArgumentException($"UseMemoSync: MemoryTimeout and MaxMemoryTokens set the memory's Timeout and MaxTokenSize: {error}", nameof(configure));
        }
        return builder.Use((inner, services) => Create(inner, services, options));
    }

    private static MemoSyncChatClient Create(IChatClient inner, IServiceProvider services, MemoSyncChatClientOptions options)
    {
        var recorders = services.GetService<DialogueRecorderFactory>() ?? throw new InvalidOperationException(
            "UseMemoSync found no MemoSync services: call services.AddMemoSync(...) and build the chat client with that service provider "
            + "(services.AddChatClient(...).UseMemoSync(), or chatClient.AsBuilder().UseMemoSync().Build(serviceProvider)).");
        // A timeout or size of its own needs a cache of its own; otherwise the application's memory, shared with its other readers.
        var memory = options.OwnMemoryOptions
            ? ActivatorUtilities.CreateInstance<MemoryContextProvider>(services, options.MemoryOptions(services.GetRequiredService<IOptions<MemoSyncOptions>>().Value.Memory))
            : services.GetRequiredService<MemoryContextProvider>();
        return new MemoSyncChatClient(inner, memory, recorders, options, services.GetRequiredService<ILogger<MemoSyncChatClient>>());
    }
}
