using System.Text;

namespace MemoSync.Journal.Jsonl;

/// <summary>
/// Imports the guide's JSONL into a journal: unsynced lines become pending turns, synced ones stay as
/// history. Idempotent (a content hash per line), and a bad line is named with its number and reason
/// while every other line is imported.
/// </summary>
public sealed class GuideJsonlImporter(IDialogueJournal journal, TurnLimits limits)
{
    private const int BatchSize = 500;

    /// <summary>Imports <paramref name="input"/>; <paramref name="defaultUser"/> serves lines without <c>user_id</c>.</summary>
    public async Task<ImportReport> ImportAsync(Stream input, string? defaultUser, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bad = new List<BadLine>();
        var batch = new List<ImportedTurn>(BatchSize);
        var (added, good) = (0, 0);
        using var text = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var reader = new GuideJsonlReader(text, defaultUser, limits);
        await foreach (var line in reader.ReadAsync(ct))
        {
            if (line.Bad is { } error)
            {
                bad.Add(error);
                continue;
            }
            good++;
            batch.Add(line.Turn!);
            if (batch.Count == BatchSize)
            {
                added += await journal.ImportAsync(batch, ct);
                batch.Clear();
                progress?.Report(new ImportProgress(reader.LinesRead, input.CanSeek ? input.Position : 0));
            }
        }
        if (batch.Count > 0)
        {
            added += await journal.ImportAsync(batch, ct);
        }
        progress?.Report(new ImportProgress(reader.LinesRead, input.CanSeek ? input.Position : 0));
        return new ImportReport(reader.LinesRead, added, good - added, bad);
    }
}

/// <summary>How far an import is.</summary>
/// <param name="Lines">Lines read.</param>
/// <param name="Bytes">Bytes read, when the input can tell.</param>
public sealed record ImportProgress(int Lines, long Bytes);

/// <summary>What an import did.</summary>
/// <param name="Lines">Lines in the file.</param>
/// <param name="Imported">Turns added to the journal.</param>
/// <param name="AlreadyPresent">Good lines the journal already had from an earlier import.</param>
/// <param name="BadLines">Lines not imported, each with its number and reason.</param>
public sealed record ImportReport(int Lines, int Imported, int AlreadyPresent, IReadOnlyList<BadLine> BadLines);

/// <summary>A line that could not be imported.</summary>
/// <param name="Number">Its line number, from 1.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record BadLine(int Number, string Reason);
