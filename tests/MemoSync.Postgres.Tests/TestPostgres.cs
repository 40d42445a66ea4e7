using MemoSync.Journal;
using Npgsql;

namespace MemoSync.Postgres.Tests;

/// <summary>
/// The PostgreSQL server of the test run: <c>scripts/test</c> starts a throwaway one on a loopback port and
/// sets <c>MEMOSYNC_TEST_POSTGRES</c>. Each test works in a schema of its own, dropped afterwards, so tests
/// are independent and may run at once.
/// </summary>
internal static class TestPostgres
{
    private const string Variable = "MEMOSYNC_TEST_POSTGRES";

    /// <summary>The server's connection string; a test that needs it fails, with the reason, when it is missing or not on loopback.</summary>
    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{Variable} is not set: the PostgreSQL journal's tests need a server. Run them through `bash scripts/test`, which starts a "
                    + $"throwaway one, or set {Variable} to an Npgsql connection string of a loopback server (Host=127.0.0.1;Port=…;Username=…).");
            }
            var host = new NpgsqlConnectionStringBuilder(value).Host;
            if (host is not ("127.0.0.1" or "localhost" or "::1"))
            {
                throw new InvalidOperationException($"{Variable} points at {host}: the tests only connect to a server on 127.0.0.1.");
            }
            return value;
        }
    }

    /// <summary>A fresh schema name.</summary>
    public static string NewSchema() => $"test_{Guid.NewGuid():N}";

    /// <summary>Options of a journal in <paramref name="schema"/>.</summary>
    public static PostgresJournalOptions Options(string schema) => new() { ConnectionString = ConnectionString, Schema = schema };

    /// <summary>The journal location, as <c>MEMOSYNC_JOURNAL</c> or <c>--journal</c> take it, of a journal in <paramref name="schema"/>.</summary>
    public static string Location(string schema) => "postgres:" + new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString;

    /// <summary>Drops a test's schema and everything in it.</summary>
    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
