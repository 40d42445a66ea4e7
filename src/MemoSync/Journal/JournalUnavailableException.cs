namespace MemoSync.Journal;

/// <summary>
/// The journal cannot be opened or written (not a database, corrupted, read-only, disk full). When an
/// append throws it, the turn was not recorded.
/// </summary>
public sealed class JournalUnavailableException(string message, Exception? inner = null) : IOException(message, inner);
