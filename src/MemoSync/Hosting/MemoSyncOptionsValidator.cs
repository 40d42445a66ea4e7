using MemoSync.Journal;
using Microsoft.Extensions.Options;

namespace MemoSync.Hosting;

/// <summary>Checks <see cref="MemoSyncOptions"/> at start; each failure is one sentence naming the setting by the guide's name.</summary>
/// <param name="postgres">MemoSync.Postgres, when registered: it says whether a PostgreSQL location can be read.</param>
internal sealed class MemoSyncOptionsValidator(IEnumerable<IPostgresJournalOpener> postgres) : IValidateOptions<MemoSyncOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoSyncOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.MemobaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{GuideSettings.Url} must be an absolute http:// or https:// URL, got '{options.MemobaseUrl}'.");
        }
        if (string.IsNullOrWhiteSpace(options.MemobaseToken))
        {
            failures.Add($"{GuideSettings.Token} is not set: put it in the environment, a .env file or appsettings.json.");
        }
        else if (options.MemobaseToken.Any(char.IsControl))
        {
            failures.Add($"{GuideSettings.Token} contains control characters.");
        }
        if (string.IsNullOrWhiteSpace(options.Journal))
        {
            failures.Add($"{GuideSettings.Journal} is empty: name the journal's SQLite file or PostgreSQL database.");
        }
        else if (JournalLocationSyntax.Split(options.Journal).Postgres is { } connection)
        {
            // Never a SQLite file named after the URL: without the PostgreSQL journal there is no journal to open.
            if (postgres.LastOrDefault() is not { } opener)
            {
                failures.Add($"{GuideSettings.Journal} names a PostgreSQL database, but MemoSync.Postgres is not registered: reference the MemoSync.Postgres package and call services.AddMemoSyncPostgres().");
            }
            else if (opener.Check(connection) is { } why)
            {
                failures.Add($"{GuideSettings.Journal}: {why}");
            }
        }
        if (options.Delivery.Validate(options.MemobaseTimeout) is { } delivery)
        {
            failures.Add($"{delivery}.");
        }
        if (options.Retention.Days < 0)
        {
            failures.Add($"{GuideSettings.RetentionDays} must be a whole number of days (0 keeps synced turns forever), got {options.Retention.Days}.");
        }
        if (options.Health.Validate() is { } health)
        {
            failures.Add($"Health: {health}.");
        }
        if (options.Memory.Validate() is { } memory)
        {
            failures.Add($"Memory: {memory}.");
        }
        if (options.Follow.Validate() is { } follow)
        {
            failures.Add($"{follow}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
