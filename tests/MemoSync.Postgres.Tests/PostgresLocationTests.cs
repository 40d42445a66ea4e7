using MemoSync.Journal;
using Npgsql;

namespace MemoSync.Postgres.Tests;

/// <summary>How a user writes where the PostgreSQL journal is.</summary>
public sealed class PostgresLocationTests
{
    [Fact]
    public void A_url_gives_host_port_user_password_database_and_schema()
    {
        var options = PostgresJournalOptions.FromLocation("postgres://memo%40sync:p%3Ass@db.local:6543/journal?schema=sync&Timeout=7");
        var cs = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        Assert.Equal(("db.local", 6543, "memo@sync", "p:ss", "journal", 7), (cs.Host, cs.Port, cs.Username, cs.Password, cs.Database, cs.Timeout));
        Assert.Equal("sync", options.Schema);
    }

    [Fact]
    public void A_postgresql_url_without_port_or_schema_takes_the_defaults()
    {
        var options = PostgresJournalOptions.FromLocation("postgresql://memosync@127.0.0.1/memosync");
        var cs = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        Assert.Equal((5432, "memosync", (string?)null), (cs.Port, cs.Username, cs.Password));
        Assert.Equal("memosync", options.Schema);
    }

    [Fact]
    public void A_connection_string_names_its_schema_with_search_path()
    {
        var options = PostgresJournalOptions.FromLocation("Host=127.0.0.1;Port=5433;Username=u;Search Path=journal_a");
        Assert.Equal(("127.0.0.1", 5433, "journal_a"), (new NpgsqlConnectionStringBuilder(options.ConnectionString).Host, new NpgsqlConnectionStringBuilder(options.ConnectionString).Port, options.Schema));
    }

    [Theory]
    [InlineData("postgres://u:secret@127.0.0.1/db?nonsense=1", "'nonsense'")]
    [InlineData("Host=127.0.0.1;Nonsense=1", "connection string is not valid")]
    public void A_location_that_cannot_be_read_is_refused_saying_what_is_wrong_without_the_password(string location, string said)
    {
        var e = Assert.Throws<ArgumentException>(() => PostgresJournalOptions.FromLocation(location));
        Assert.Contains(said, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "data/memosync.db")]
    [InlineData("journal/turns.db", "journal/turns.db")]
    [InlineData("sqlite:journal/turns.db", "journal/turns.db")]
    public void A_path_or_nothing_is_the_sqlite_journal(string location, string path)
    {
        var parsed = JournalLocation.Parse(location);
        Assert.Equal((path, (PostgresJournalOptions?)null), (parsed.SqlitePath, parsed.Postgres));
    }

    [Theory]
    [InlineData("postgres://u@127.0.0.1:5433/db")]
    [InlineData("postgresql://u@127.0.0.1:5433/db")]
    [InlineData("postgres:Host=127.0.0.1;Port=5433;Username=u;Database=db")]
    public void A_url_or_a_prefixed_connection_string_is_the_postgres_journal(string location)
    {
        var parsed = JournalLocation.Parse(location);
        Assert.Null(parsed.SqlitePath);
        Assert.Equal("postgres://u@127.0.0.1:5433/db (schema memosync)", parsed.ToString());
    }
}
