using MemoSync.Journal;
using Microsoft.Extensions.DependencyInjection;

namespace MemoSync.Hosting;

/// <summary>Registers the journal a location names, SQLite or PostgreSQL, for <c>AddMemoSync</c> to use.</summary>
public static class JournalServiceCollectionExtensions
{
    /// <summary>
    /// Registers the journal at <paramref name="location"/> (see <see cref="JournalLocation"/>), opened on first use with the
    /// host's <see cref="TimeProvider"/>. Call it before <c>AddMemoSync</c>, which then uses it instead of its SQLite file.
    /// </summary>
    /// <exception cref="ArgumentException">The location cannot be read.</exception>
    public static IServiceCollection AddMemoSyncJournal(this IServiceCollection services, string location) =>
        services.AddMemoSyncJournal(JournalLocation.Parse(location));

    /// <summary>Registers the journal at <paramref name="journal"/>, opened on first use; call it before <c>AddMemoSync</c>.</summary>
    public static IServiceCollection AddMemoSyncJournal(this IServiceCollection services, JournalLocation journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        return services.AddSingleton(sp => journal.Open(sp.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
