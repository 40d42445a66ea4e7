using MemoSync.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MemoSync.Hosting;

/// <summary>Lets <c>AddMemoSync</c> keep its journal in PostgreSQL.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Lets the journal be a PostgreSQL database, chosen as any journal is: <c>MEMOSYNC_JOURNAL=postgres://…</c>, the
    /// <c>MemoSync:Journal</c> setting, or <c>o.UsePostgres(connection)</c>. Before or after <c>AddMemoSync</c>, the order does not matter.
    /// </summary>
    public static IServiceCollection AddMemoSyncPostgres(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostgresJournalOpener, PostgresJournalOpener>());
        return services;
    }
}
