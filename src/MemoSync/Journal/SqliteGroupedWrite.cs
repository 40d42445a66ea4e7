using Microsoft.Data.Sqlite;
using static SQLitePCL.raw;

namespace MemoSync.Journal;

/// <summary>
/// One caller's write to the SQLite journal, applied with others in one transaction (a group commit). A failure that
/// is its own (a constraint, say) undoes it alone and is told to its caller only; a failure of the file (full, locked,
/// corrupted) fails the whole commit.
/// </summary>
/// <param name="apply">The write, on the writer's connection inside the batch's transaction.</param>
/// <param name="what">What its caller is told failed: "could not record the turn", say.</param>
/// <param name="weight">Its share of a batch: the rows it writes.</param>
/// <param name="oneStatement">
/// It changes the journal with a single statement, which SQLite undoes alone when it fails, and nothing after that
/// statement can fail; otherwise (several statements, or rows read back that may not parse) it runs in a savepoint.
/// </param>
internal sealed class SqliteGroupedWrite(Action<SqliteTransaction> apply, string what, int weight, bool oneStatement)
{
    private const string Savepoint = "write";

    public string What => what;

    public int Weight => weight;

    /// <summary>Its own failure, or null once committed.</summary>
    public Exception? Failure { get; private set; }

    public void ApplyIn(SqliteTransaction tx)
    {
        if (!oneStatement)
        {
            tx.Save(Savepoint);
        }
        try
        {
            apply(tx);
        }
        catch (Exception e) when (IsOwn(e))
        {
            if (!oneStatement)
            {
                tx.Rollback(Savepoint);
            }
            Failure = e;
        }
        if (!oneStatement)
        {
            tx.Release(Savepoint);
        }
    }

    /// <summary>Errors of one statement (a constraint, a mismatch, a bug) rather than of the file or the lock.</summary>
    private static bool IsOwn(Exception e) =>
        e is not SqliteException sqlite || sqlite.SqliteErrorCode is SQLITE_ERROR or SQLITE_TOOBIG or SQLITE_CONSTRAINT or SQLITE_MISMATCH or SQLITE_RANGE;
}
