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
    public static IServiceCollection AddMemoSyncJournal(this IServiceCollection services, string location)
    {
        var journal = JournalLocation.Parse(location);
        return services.AddSingleton(sp => journal.Open(sp.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
