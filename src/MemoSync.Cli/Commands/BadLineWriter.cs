using System.Globalization;
using MemoSync.Journal.Jsonl;

namespace MemoSync.Cli.Commands;

/// <summary>
/// Names the bad lines of an input on standard error, each one, except in a run of more than <see cref="Shown"/> bad
/// lines in a row: those past the first <see cref="Shown"/> are counted in one sentence when the run ends (one alone is
/// named). A file in the wrong shape would otherwise print as many lines as it has, while a bad line now and then in a
/// long stream is still named as it comes.
/// </summary>
internal sealed class BadLineWriter(TextWriter error)
{
    /// <summary>Bad lines in a row named one by one.</summary>
    public const int Shown = 20;

    private int _inRow;
    private BadLine? _last;

    /// <summary>Bad lines seen.</summary>
    public int Count { get; private set; }

    /// <summary>Names <paramref name="bad"/>, or counts it when it is past the first <see cref="Shown"/> of its run.</summary>
    public async Task WriteAsync(BadLine bad)
    {
        if (_last is { } last && bad.Number != last.Number + 1)
        {
            await EndRunAsync();
        }
        Count++;
        _inRow++;
        _last = bad;
        if (_inRow <= Shown)
        {
            await NameAsync(bad);
        }
    }

    /// <summary>Counts what the run of bad lines hid, if any: at a good line, and at the end of the input.</summary>
    public async Task EndRunAsync()
    {
        var hidden = _inRow - Shown;
        _inRow = 0;
        if (_last is not { } last || hidden < 1)
        {
            return;
        }
        if (hidden == 1)
        {
            // One line takes no more room than a sentence counting it.
            await NameAsync(last);
            return;
        }
        var more = hidden.ToString("N0", CultureInfo.InvariantCulture);
        var span = $"lines {last.Number - hidden + 1}-{last.Number}";
        await error.WriteLineAsync($"  ... and {more} more bad lines in a row, not named here: {span}; the last: {last.Reason}");
    }

    private Task NameAsync(BadLine bad) => error.WriteLineAsync($"  line {bad.Number}: {bad.Reason}");
}
