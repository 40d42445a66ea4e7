using MemoSync.Journal;
using Microsoft.Data.Sqlite;

namespace MemoSync.Operations;

/// <summary>
/// A consistent copy of a SQLite journal taken with SQLite's online backup API while the daemon keeps writing
/// (in WAL mode the copy only reads), checked with <c>PRAGMA integrity_check</c>, readable by its owner only.
/// </summary>
public static class JournalBackup
{
    /// <summary>Copies <paramref name="journalPath"/> to <paramref name="destination"/> (which must not exist) and returns what the copy holds.</summary>
    /// <exception cref="JournalUnavailableException">The journal cannot be read, the destination exists or cannot be written, or the copy fails its check.</exception>
    public static async Task<JournalStatus> CopyAsync(string journalPath, string destination, CancellationToken ct = default)
    {
        var source = Path.GetFullPath(journalPath);
        var target = Path.GetFullPath(destination);
        if (!File.Exists(source))
        {
            throw new JournalUnavailableException($"The journal {source} does not exist; nothing was copied.");
        }
        try
        {
            // Created owner-only before SQLite writes a byte into it: the copy holds every conversation.
            using var _ = OwnerOnlyFile.Open(target, FileMode.CreateNew);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JournalUnavailableException($"The backup {target} cannot be created ({e.Message}); choose a new file.", e);
        }
        await Task.Run(() => Copy(source, target), ct);
        await using var copy = SqliteJournal.Open(new SqliteJournalOptions { Path = target });
        return await copy.GetStatusAsync(0, ct);
    }

    private static void Copy(string source, string target)
    {
        try
        {
            using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString());
            from.Open();
            to.Open();
            from.BackupDatabase(to);
            using var check = to.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            if (check.ExecuteScalar() is not "ok")
            {
                throw new JournalUnavailableException($"The backup {target} failed SQLite's integrity check; do not restore from it.");
            }
        }
        catch (SqliteException e)
        {
            throw new JournalUnavailableException($"The journal {source} could not be copied to {target}: {e.Message}.", e);
        }
    }
}
