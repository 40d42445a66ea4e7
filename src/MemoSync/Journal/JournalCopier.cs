namespace MemoSync.Journal;

/// <summary>
/// Copies every turn of one journal into another with its state (pending with its retries and next attempt,
/// synced with its blob id, dead with its reason), page by page in the source's order, one durable commit per
/// page. Turns the destination holds already are skipped, so a copy that was interrupted is finished by running
/// it again, and running it twice adds nothing. Leases are not carried: stop the daemons on the source first.
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
        var result = new JournalCopyResult(0, 0);
        Guid? after = null;
        while (await from.ListAfterAsync(after, pageSize, ct) is { Count: > 0 } page)
        {
            result = new JournalCopyResult(result.Read + page.Count, result.Added + await to.AddEntriesAsync(page, ct));
            after = page[^1].Turn.Id;
            yield return result;
        }
    }
}

/// <summary>How far a copy went.</summary>
/// <param name="Read">Turns read from the source.</param>
/// <param name="Added">Turns added to the destination; the rest were there already.</param>
public sealed record JournalCopyResult(long Read, long Added);
