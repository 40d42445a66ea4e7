using System.Globalization;
using System.Text.Encodings.Web;

namespace MemoSync.Dashboard.Pages;

/// <summary>The few ways a value reaches a page: encoded, every one, so a user id or an error message is text and never markup.</summary>
internal static class Html
{
    /// <summary>Text for an element's content or an attribute's value.</summary>
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <summary>A query string value.</summary>
    public static string Q(string text) => Uri.EscapeDataString(text);

    /// <summary>A count, with thousands separated.</summary>
    public static string N(long count) => count.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A moment as UTC, machine-readable in a <c>time</c> element.</summary>
    public static string At(DateTimeOffset? at) => at is { } t
        ? string.Create(CultureInfo.InvariantCulture, $"<time datetime=\"{t.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\">{t.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC</time>")
        : "—";

    /// <summary>A span of time in the two largest units that say it: 42 s, 12 min 5 s, 3 h 5 min, 2 d 4 h.</summary>
    public static string Age(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }
        return span.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds} s")
            : span.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds} s")
            : span.TotalHours < 24 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} d {span.Hours} h");
    }

    /// <summary>A latency: milliseconds under a second, seconds under a minute, then as <see cref="Age"/>.</summary>
    public static string Latency(TimeSpan span) =>
        span.TotalMilliseconds < 1000 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0.#} ms")
        : span.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0} s")
        : Age(span);
}
