using MemoSync.Journal;

namespace MemoSync.TestSupport;

/// <summary>
/// A turn log whose next append commits and then fails as if the acknowledgement of the commit was lost on its way
/// back (a connection cut after the server committed): the caller sees the journal as unavailable though the turn is in it.
/// </summary>
public sealed class LostAcknowledgementLog(ITurnLog journal) : ITurnLog
{
    private int _losses = 1;

    public Task AppendAsync(Turn turn, CancellationToken ct = default) => AfterCommit(journal.AppendAsync(turn, ct));

    public Task AppendManyAsync(IReadOnlyList<Turn> turns, CancellationToken ct = default) => AfterCommit(journal.AppendManyAsync(turns, ct));

    public async Task<long?> AppendLeasedAsync(Turn turn, TurnLease lease, CancellationToken ct = default)
    {
        var seq = await journal.AppendLeasedAsync(turn, lease, ct);
        LoseOnce();
        return seq;
    }

    public Task<int> ImportAsync(IReadOnlyList<ImportedTurn> lines, CancellationToken ct = default) => journal.ImportAsync(lines, ct);

    private async Task AfterCommit(Task commit)
    {
        await commit;
        LoseOnce();
    }

    private void LoseOnce()
    {
        if (Interlocked.Exchange(ref _losses, 0) == 1)
        {
            throw new JournalUnavailableException("the connection was lost before the commit was acknowledged");
        }
    }
}
