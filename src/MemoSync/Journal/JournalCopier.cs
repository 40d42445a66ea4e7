namespace MemoSync.Journal;

/// <summary>
/// Copies every turn of one journal into another with its state (pending with its retries and next attempt,
/// synced with its blob id, dead with its reason), page by page in the source's order, one durable commit per
/// page, and the marks of imported lines, so a line imported into the source is not imported again into the
/// destination. What the destination holds already is skipped, so a copy that was interrupted is finished by
/// running it again, and running it twice adds nothing. Leases are not carried: stop the daemons on the source first.
/// </summary>
public static class JournalCopier
{
    /// <summary>Copies <paramref name="from"/> into <paramref name="to"/>, yielding the totals so far after each page.</summary>
    public static async IAsyncEnumerable<JournalCopyResult> CopyAsync(IDialogueJournal from, IDialogueJournal to, int pageSize = 500,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var result = new JournalCopyResult(0, 0, 0);
        // Marks go first: a copy stopped between them and the turns leaves a line imported meanwhile skipped (its turn
        // arrives when the copy is run again) rather than recorded, and delivered, twice.
        string? hash = null;
        while (await from.ListImportMarksAfterAsync(hash, pageSize, ct) is { Count: > 0 } marks)
        {
            result = result with { MarksAdded = result.MarksAdded + await to.AddImportMarksAsync(marks, ct) };
            hash = marks[^1].ContentHash;
            yield return result;
        }
        Guid? after = null;
        while (await from.ListAfterAsync(after, pageSize, ct) is { Count: > 0 } page)
        {
            result = result with { Read = result.Read + page.Count, Added = result.Added + await to.AddEntriesAsync(page, ct) };
            after = page[^1].Turn.Id;
            yield return result;
        }
    }
}

/// <summary>How far a copy went.</summary>
/// <param name="Read">Turns read from the source.</param>
/// <param name="Added">Turns added to the destination; the rest were there already.</param>
/// <param name="MarksAdded">Marks of imported lines added to the destination.</param>
public sealed record JournalCopyResult(long Read, long Added, long MarksAdded);
