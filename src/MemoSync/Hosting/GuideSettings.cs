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
    public const string RealtimeGrace = "MEMOSYNC_REALTIME_GRACE";
    public const string Lease = "MEMOSYNC_LEASE";

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
            options.JournalPath = journal;
        }
        if (Seconds(configuration, SyncInterval, allowZero: false) is { } interval)
        {
            options.Delivery = options.Delivery with { SweepInterval = interval };
        }
        if (Seconds(configuration, RealtimeGrace, allowZero: true) is { } grace)
        {
            options.Delivery = options.Delivery with { RealtimeGrace = grace };
        }
        if (Seconds(configuration, Lease, allowZero: false) is { } lease)
        {
            options.Delivery = options.Delivery with { Lease = lease };
        }
    }

    private static TimeSpan? Seconds(IConfiguration configuration, string name, bool allowZero)
    {
        if (configuration[name] is not { Length: > 0 } text)
        {
            return null;
        }
        if (!int.TryParse(text, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || (seconds == 0 && !allowZero))
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(MemoSyncOptions),
                [$"{name} must be a {(allowZero ? "whole" : "positive whole")} number of seconds, got '{text}'."]);
        }
        return TimeSpan.FromSeconds(seconds);
    }
}
