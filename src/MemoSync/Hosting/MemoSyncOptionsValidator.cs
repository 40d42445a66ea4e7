using Microsoft.Extensions.Options;

namespace MemoSync.Hosting;

/// <summary>Checks <see cref="MemoSyncOptions"/> at start; each failure is one sentence naming the setting by the guide's name.</summary>
internal sealed class MemoSyncOptionsValidator : IValidateOptions<MemoSyncOptions>
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
        if (string.IsNullOrWhiteSpace(options.JournalPath))
        {
            failures.Add($"{GuideSettings.Journal} is empty: name the journal's SQLite file.");
        }
        if (options.Delivery.Validate(options.MemobaseTimeout) is { } delivery)
        {
            failures.Add($"{delivery}.");
        }
        if (options.Memory.Validate() is { } memory)
        {
            failures.Add($"Memory: {memory}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
