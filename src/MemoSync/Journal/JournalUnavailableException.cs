namespace MemoSync.Journal;

/// <summary>
/// The journal cannot be opened or written (not a database, corrupted, read-only, disk full). When an
/// append throws it, the turn was not recorded.
/// </summary>
/// <param name="message">What failed and why, naming the journal.</param>
/// <param name="inner">The database's own error.</param>
/// <param name="isDamaged">The journal itself is damaged (not a database, corrupted): waiting will not mend it.</param>
public sealed class JournalUnavailableException(string message, Exception? inner = null, bool isDamaged = false) : IOException(message, inner)
{
    /// <summary>True when the journal itself is damaged (not a database, corrupted): waiting will not mend it, a person must.</summary>
    public bool IsDamaged => isDamaged;
}
