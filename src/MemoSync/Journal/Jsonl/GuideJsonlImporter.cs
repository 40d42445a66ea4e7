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
    /// <remarks>
    /// Only the input failing (a read error) or the journal failing stops an import; the good lines read before are
    /// imported first.
    /// </remarks>
    public Task<ImportReport> ImportAsync(Stream input, string? defaultUser, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ImportAsync(new GuideJsonlReader(input, defaultUser, limits), progress, ct);
    }

    /// <summary>Imports the lines <paramref name="reader"/> reads, as it was set up (from a place in a file, complete lines only).</summary>
    /// <remarks><inheritdoc cref="ImportAsync(Stream, string?, IProgress{ImportProgress}?, CancellationToken)" path="/remarks"/></remarks>
    public async Task<ImportReport> ImportAsync(GuideJsonlReader reader, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var bad = new List<BadLine>();
        var batch = new List<ImportedTurn>(BatchSize);
        var (added, good) = (0, 0);
        var storing = false;
        try
        {
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
                    storing = true;
                    added += await journal.ImportAsync(batch, ct);
                    storing = false;
                    batch.Clear();
                    progress?.Report(new ImportProgress(reader.LinesRead, reader.BytesRead));
                }
            }
        }
        finally
        {
            // Also when the input failed: the good lines read before it are kept.
            if (batch.Count > 0 && !storing && !ct.IsCancellationRequested)
            {
                added += await journal.ImportAsync(batch, CancellationToken.None);
            }
        }
        progress?.Report(new ImportProgress(reader.LinesRead, reader.BytesRead));
        return new ImportReport(reader.LinesRead, added, good - added, bad) { UnknownFields = reader.UnknownFields };
    }
}

/// <summary>How far an import is.</summary>
/// <param name="Lines">Lines read.</param>
/// <param name="Bytes">Bytes read.</param>
public sealed record ImportProgress(int Lines, long Bytes);

/// <summary>What an import did.</summary>
/// <param name="Lines">Lines in the file.</param>
/// <param name="Imported">Turns added to the journal.</param>
/// <param name="AlreadyPresent">Good lines the journal already had from an earlier import.</param>
/// <param name="BadLines">Lines not imported, each with its number and reason.</param>
public sealed record ImportReport(int Lines, int Imported, int AlreadyPresent, IReadOnlyList<BadLine> BadLines)
{
    /// <summary>Fields the format does not name, each with the number of good lines that had it; they were ignored.</summary>
    public IReadOnlyDictionary<string, int> UnknownFields { get; init; } = new Dictionary<string, int>();

    /// <summary>The unknown fields for people: <c>mood (3 lines), extra (1 line)</c>; empty when there were none.</summary>
    public string UnknownFieldsText => GuideJsonlSummary.UnknownFields(UnknownFields);
}

/// <summary>A line that could not be imported.</summary>
/// <param name="Number">Its line number, from 1.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record BadLine(int Number, string Reason);

/// <summary>Words shared by <c>import</c> and <c>record</c>.</summary>
public static class GuideJsonlSummary
{
    /// <summary><c>mood (3 lines), extra (1 line)</c>, most frequent first; empty when there are none.</summary>
    public static string UnknownFields(IReadOnlyDictionary<string, int> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return string.Join(", ", fields.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => $"{Printable(f.Key)} ({f.Value} {(f.Value == 1 ? "line" : "lines")})"));
    }

    /// <summary>A name from the input as it may be printed: control characters as <c>?</c>, at most 64 characters.</summary>
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shown = new string(text.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return text.Length > 64 ? shown + "…" : shown;
    }
}
