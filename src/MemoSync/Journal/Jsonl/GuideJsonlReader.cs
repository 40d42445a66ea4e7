using System.Runtime.CompilerServices;

namespace MemoSync.Journal.Jsonl;

/// <summary>
/// Reads the guide's JSONL one line at a time as the lines arrive (a pipe works as well as a file):
/// each non-blank line is either a turn or a bad line named by its number and reason. Both
/// <c>memosync import</c> and <c>memosync record</c> read through it; <paramref name="defaultUser"/>
/// serves lines without <c>user_id</c>.
/// </summary>
public sealed class GuideJsonlReader(TextReader input, string? defaultUser, TurnLimits limits)
{
    /// <summary>Lines read so far, blank ones included.</summary>
    public int LinesRead { get; private set; }

    /// <summary>Every non-blank line, in order.</summary>
    public async IAsyncEnumerable<GuideLine> ReadAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var parser = new GuideLineParser(defaultUser, new TurnValidator(limits));
        // WaitAsync: a read from a terminal or pipe does not heed the token itself, and a stop must not wait for the next line.
        while (await input.ReadLineAsync(ct).AsTask().WaitAsync(ct) is { } line)
        {
            LinesRead++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var (turn, error) = parser.Parse(line);
            yield return turn is null ? new GuideLine(null, new BadLine(LinesRead, error!)) : new GuideLine(turn, null);
        }
    }
}

/// <summary>One line of the guide's JSONL: a turn, or why it is not one.</summary>
/// <param name="Turn">The turn and the state the line recorded, when the line is good.</param>
/// <param name="Bad">The line's number and reason, when it is not.</param>
public sealed record GuideLine(ImportedTurn? Turn, BadLine? Bad);
