using System.Globalization;
using MemoSync.Journal.Jsonl;

namespace MemoSync.Cli.Commands;

/// <summary>
/// Names the bad lines of an input on standard error, the first <see cref="Shown"/> one by one and the rest in one
/// sentence at the end: a file in the wrong shape would otherwise print as many lines as it has.
/// </summary>
internal sealed class BadLineWriter(TextWriter error)
{
    /// <summary>Bad lines named one by one.</summary>
    public const int Shown = 20;

    private BadLine? _last;

    /// <summary>Bad lines seen.</summary>
    public int Count { get; private set; }

    public async Task WriteAsync(BadLine bad)
    {
        Count++;
        _last = bad;
        if (Count <= Shown)
        {
            await error.WriteLineAsync($"  line {bad.Number}: {bad.Reason}");
        }
    }

    /// <summary>Counts the bad lines not named, with the last of them, so that the span of the damage is known.</summary>
    public async Task FinishAsync()
    {
        if (Count > Shown && _last is { } last)
        {
            var more = (Count - Shown).ToString("N0", CultureInfo.InvariantCulture);
            await error.WriteLineAsync($"  ... and {more} more bad lines, not named here; the last is line {last.Number}: {last.Reason}");
        }
    }
}
