using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MemoSync.Hosting;

/// <summary>The guide's setting names and how each lands in <see cref="MemoSyncOptions"/>; a value that cannot be used is named.</summary>
internal static class GuideSettings
{
    public const string Url = "MEMOBASE_URL";
    public const string Token = "MEMOBASE_TOKEN";
    public const string SyncInterval = "MEMOBASE_SYNC_INTERVAL";
    public const string Journal = "MEMOSYNC_JOURNAL";
    public const string Lease = "MEMOSYNC_LEASE";
    public const string Timeout = "MEMOBASE_TIMEOUT";
    public const string Lanes = "MEMOSYNC_LANES";
    public const string RetentionDays = "MEMOSYNC_RETENTION_DAYS";
    public const string Follow = "MEMOSYNC_FOLLOW";
    public const string User = "USER_ID";

    /// <summary>Sets every option <paramref name="configuration"/> has a value for.</summary>
    /// <exception cref="OptionsValidationException">A number of seconds is not one.</exception>
    public static void Apply(IConfiguration configuration, MemoSyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[Url] is { Length: > 0 } url)
        {
            options.MemobaseUrl = url;
        }
        if (configuration[Token] is { Length: > 0 } token)
        {
            options.MemobaseToken = token;
        }
        if (configuration[Journal] is { Length: > 0 } journal)
        {
            options.Journal = journal;
        }
        if (Seconds(configuration, SyncInterval, allowZero: false) is { } interval)
        {
            options.Delivery = options.Delivery with { SyncInterval = interval };
        }
        if (Seconds(configuration, Timeout, allowZero: false) is { } timeout)
        {
            options.MemobaseTimeout = timeout;
        }
        if (Seconds(configuration, Lease, allowZero: false) is { } lease)
        {
            options.Delivery = options.Delivery with { Lease = lease };
        }
        if (configuration[Follow] is { Length: > 0 } follow)
        {
            foreach (var file in follow.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.Follow.Files.Add(file);
            }
        }
        if (configuration[User] is { Length: > 0 } user)
        {
            options.Follow.DefaultUser = user;
        }
        if (configuration[Lanes] is { Length: > 0 } lanes)
        {
            options.Delivery = options.Delivery with { Lanes = Whole(Lanes, lanes, "positive whole number") };
        }
        if (configuration[RetentionDays] is { Length: > 0 } days)
        {
            options.Retention = options.Retention with { Days = Whole(RetentionDays, days, "whole number of days (0 keeps synced turns forever)") };
        }
    }

    private static TimeSpan? Seconds(IConfiguration configuration, string name, bool allowZero)
    {
        if (configuration[name] is not { Length: > 0 } text)
        {
            return null;
        }
        var seconds = Whole(name, text, $"{(allowZero ? "whole" : "positive whole")} number of seconds");
        if (seconds == 0 && !allowZero)
        {
            throw Refused(name, text, "positive whole number of seconds");
        }
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>A whole number, not negative; zero is left to the caller (and the options' validation).</summary>
    private static int Whole(string name, string text, string what) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : throw Refused(name, text, what);

    private static OptionsValidationException Refused(string name, string text, string what) =>
        new(Options.DefaultName, typeof(MemoSyncOptions), [$"{name} must be a {what}, got '{text}'."]);
}
