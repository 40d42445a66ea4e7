using Npgsql;

namespace MemoSync.Journal;

/// <summary>Where the PostgreSQL journal lives.</summary>
public sealed record PostgresJournalOptions
{
    /// <summary>An Npgsql connection string (<c>Host=…;Port=…;Username=…;Password=…;Database=…</c>); <see cref="FromLocation"/> reads URLs.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The schema holding the journal's tables, created when missing; several journals may share a database in different schemas. Default <c>memosync</c>.</summary>
    public string Schema { get; init; } = "memosync";

    /// <summary>What a turn may hold.</summary>
    public TurnLimits Limits { get; init; } = new();

    /// <summary>Whether opening the journal applies pending migrations; when false, a schema that is not current is refused (run <c>memosync migrate</c>). Default true.</summary>
    public bool Migrate { get; init; } = true;

    /// <summary>
    /// Options from where a user says the journal is: a URL, <c>postgres://user:password@host:port/database</c> or
    /// <c>postgresql://…</c> (query parameters are Npgsql settings, <c>schema</c> names the schema), or an Npgsql
    /// connection string (whose <c>Search Path</c> names the schema).
    /// </summary>
    /// <exception cref="ArgumentException">The location cannot be read; the message says what is wrong (never the password).</exception>
    public static PostgresJournalOptions FromLocation(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (!location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                // A connection string names the schema with Search Path, as it would for any Npgsql application.
                var parsed = new NpgsqlConnectionStringBuilder(location);
                return new PostgresJournalOptions { ConnectionString = parsed.ConnectionString, Schema = parsed.SearchPath is { Length: > 0 } path ? path : "memosync" };
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The PostgreSQL connection string is not valid: {e.Message}", nameof(location), e);
            }
        }
        if (!Uri.TryCreate(location, UriKind.Absolute, out var url) || url.Host.Length == 0)
        {
            throw new ArgumentException("The PostgreSQL URL is not valid: expected postgres://user:password@host:port/database", nameof(location));
        }
        var builder = new NpgsqlConnectionStringBuilder { Host = url.Host, Port = url.IsDefaultPort || url.Port < 0 ? 5432 : url.Port };
        if (url.UserInfo.Split(':', 2) is [var user, .. var rest] && user.Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user);
            if (rest is [var password])
            {
                builder.Password = Uri.UnescapeDataString(password);
            }
        }
        if (url.AbsolutePath.Trim('/') is { Length: > 0 } database)
        {
            builder.Database = Uri.UnescapeDataString(database);
        }
        var schema = "memosync";
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (Uri.UnescapeDataString(k), Uri.UnescapeDataString(v)) : (Uri.UnescapeDataString(pair), "");
            if (key == "schema")
            {
                schema = value;
                continue;
            }
            try
            {
                builder[key] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new ArgumentException($"The PostgreSQL URL has a setting Npgsql does not take: '{key}' ({e.Message})", nameof(location), e);
            }
        }
        return new PostgresJournalOptions { ConnectionString = builder.ConnectionString, Schema = schema };
    }

    /// <summary>Where the journal is and how it opens, never the password.</summary>
    public override string ToString()
    {
        string where;
        try
        {
            where = PostgresJournal.Describe(this);
        }
        catch (ArgumentException)
        {
            where = "(a connection string Npgsql cannot read)";
        }
        return $"{nameof(PostgresJournalOptions)} {{ {where}, Migrate = {Migrate} }}";
    }
}
