using System.Globalization;
using System.Text;
using MemoSync.Delivery;

namespace MemoSync.Dashboard.Pages;

/// <summary>
/// The overview's charts, drawn here as SVG: no script library, nothing fetched, and the numbers also said in words
/// (each chart's description), so a screen reader gets what the picture shows.
/// </summary>
internal static class Charts
{
    private const int Width = 600, Height = 180, Left = 48, Right = 8, Top = 10, Bottom = 26;
    private static readonly double[] GridLines = [0, 0.5, 1];
    private static readonly int[] RoundSteps = [1, 2, 5, 10];
    private const int PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    /// <summary>Turns delivered per minute, as bars.</summary>
    public static string Delivered(IReadOnlyList<DeliveryMinute> minutes)
    {
        var counts = minutes.Select(m => (double)m.Delivered).ToList();
        var top = NiceCeiling(counts.DefaultIfEmpty(0).Max());
        var total = minutes.Sum(m => m.Delivered);
        var svg = Frame("delivered", "Delivered per minute, last hour",
            string.Create(CultureInfo.InvariantCulture, $"{total} turns delivered in the last hour; busiest minute {counts.DefaultIfEmpty(0).Max():0}; this minute {counts.LastOrDefault():0}."),
            top, v => v.ToString("0.#", CultureInfo.InvariantCulture), minutes.Count);
        var slot = minutes.Count == 0 ? 0 : (double)PlotWidth / minutes.Count;
        for (var i = 0; i < minutes.Count; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }
            var height = counts[i] / top * PlotHeight;
            svg.Append(CultureInfo.InvariantCulture, $"""<rect class="bar" x="{Left + i * slot + 1:0.#}" y="{Top + PlotHeight - height:0.#}" width="{Math.Max(1, slot - 2):0.#}" height="{height:0.#}"/>""");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>The recorded→synced latency's median and 99th percentile per minute, as lines (the p99 dashed).</summary>
    public static string Latency(IReadOnlyList<DeliveryMinute> minutes)
    {
        var top = NiceCeiling(minutes.Select(m => m.P99?.TotalMilliseconds ?? 0).DefaultIfEmpty(0).Max());
        var last = minutes.LastOrDefault(m => m.P50 is not null);
        var description = last is null
            ? "No turn was delivered in the last hour."
            : $"Latest minute with deliveries: p50 {Html.Latency(last.P50!.Value)}, p99 {Html.Latency(last.P99!.Value)}; highest p99 of the hour {Html.Latency(TimeSpan.FromMilliseconds(minutes.Max(m => m.P99?.TotalMilliseconds ?? 0)))}.";
        var svg = Frame("latency", "Recorded to synced latency, last hour", description, top, v => Html.Latency(TimeSpan.FromMilliseconds(v)), minutes.Count);
        Line(svg, "p50", minutes.Select(m => m.P50).ToList(), top);
        Line(svg, "p99", minutes.Select(m => m.P99).ToList(), top);
        return svg.Append("</svg>").ToString();
    }

    /// <summary>The SVG element with its title, description, y axis (0, half, top) and x axis (an hour ago, half an hour, now).</summary>
    private static StringBuilder Frame(string id, string title, string description, double top, Func<double, string> label, int minutes)
    {
        var svg = new StringBuilder(4096);
        svg.Append(CultureInfo.InvariantCulture, $"""
            <svg class="chart" viewBox="0 0 {Width} {Height}" role="img" aria-labelledby="{id}-title {id}-desc" focusable="false">
            <title id="{id}-title">{Html.E(title)}</title><desc id="{id}-desc">{Html.E(description)}</desc>
            """);
        foreach (var fraction in GridLines)
        {
            var y = Top + PlotHeight - fraction * PlotHeight;
            svg.Append(CultureInfo.InvariantCulture, $"""<line class="grid" x1="{Left}" x2="{Width - Right}" y1="{y:0.#}" y2="{y:0.#}"/>""")
                .Append(CultureInfo.InvariantCulture, $"""<text class="tick" x="{Left - 4}" y="{y + 4:0.#}" text-anchor="end">{Html.E(label(top * fraction))}</text>""");
        }
        var half = minutes / 2;
        foreach (var (x, text, anchor) in new[] { (Left, $"-{minutes} min", "start"), (Left + PlotWidth / 2, $"-{half} min", "middle"), (Width - Right, "now", "end") })
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="tick" x="{x}" y="{Height - 8}" text-anchor="{anchor}">{text}</text>""");
        }
        return svg;
    }

    /// <summary>A line through the minutes that have a value; a minute without one breaks it, and a lone point is a dot.</summary>
    private static void Line(StringBuilder svg, string kind, List<TimeSpan?> values, double top)
    {
        var slot = values.Count == 0 ? 0 : (double)PlotWidth / values.Count;
        var run = new List<string>();
        for (var i = 0; i <= values.Count; i++)
        {
            if (i < values.Count && values[i] is { } value)
            {
                var x = Left + (i + 0.5) * slot;
                var y = Top + PlotHeight - value.TotalMilliseconds / top * PlotHeight;
                run.Add(string.Create(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#}"));
                continue;
            }
            if (run.Count == 1)
            {
                var point = run[0].Split(',');
                svg.Append(CultureInfo.InvariantCulture, $"""<circle class="{kind}" cx="{point[0]}" cy="{point[1]}" r="2.5"/>""");
            }
            else if (run.Count > 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<polyline class="{kind}" points="{string.Join(' ', run)}"/>""");
            }
            run.Clear();
        }
    }

    /// <summary>A round number at or above <paramref name="value"/> (1, 2 or 5 times a power of ten), so the axis reads well; 1 for nothing.</summary>
    private static double NiceCeiling(double value)
    {
        if (value <= 1)
        {
            return 1;
        }
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return RoundSteps.Select(m => m * power).First(v => v >= value);
    }
}
