using System.Threading.Channels;

namespace MemoSync.Journal;

/// <summary>
/// Group commit for a journal's appends: callers hand over their turns and wait; one loop writes
/// whatever has gathered in one durable commit, so concurrent callers share a flush, and each caller
/// returns once its own turns are committed (or with the commit's failure).
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TurnValidator _validator;
    private readonly Func<IReadOnlyList<TurnRow>, Task> _commit;
    private readonly Func<Exception, Exception> _failure;
    private readonly int _maxBatch;
    private readonly Task _loop;
    private long _commits;

    /// <summary>Starts the writer.</summary>
    /// <param name="validator">Checks each turn before it is queued.</param>
    /// <param name="commit">Writes the rows of a batch in one transaction and returns once they are durable.</param>
    /// <param name="failure">What the callers of a batch are told when its commit fails with the given exception.</param>
    /// <param name="maxBatch">Rows at most in one commit.</param>
    public GroupCommitWriter(TurnValidator validator, Func<IReadOnlyList<TurnRow>, Task> commit, Func<Exception, Exception> failure, int maxBatch = 1024)
    {
        _validator = validator;
        _commit = commit;
        _failure = failure;
        _maxBatch = maxBatch;
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Durable commits so far; fewer than the appends when callers shared commits.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Queues <paramref name="turns"/> for the next commit; completes once they are durable.</summary>
    /// <exception cref="TurnRejectedException">A turn is invalid; none of them was queued.</exception>
    /// <exception cref="ObjectDisposedException">The writer is closed.</exception>
    public Task AppendAsync(IReadOnlyList<Turn> turns, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turns);
        // Validated and serialized on the caller's thread, so concurrent callers share that work and the loop only writes.
        var rows = turns.Select(t => TurnRow.Of(_validator.Validate(t))).ToList();
        var pending = new PendingAppend(rows, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_appends.Writer.TryWrite(pending), this);
        // The caller may stop waiting, but its turns are committed or failed by the loop either way.
        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _appends.Reader;
        var batch = new List<PendingAppend>();
        var rows = new List<TurnRow>();
        while (await reader.WaitToReadAsync())
        {
            if (batch.Count > 1)
            {
                // Several callers shared the last commit: let those woken by it enqueue their next rows so they share this one too.
                await Task.Yield();
            }
            batch.Clear();
            rows.Clear();
            while (rows.Count < _maxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                rows.AddRange(pending.Rows);
            }
            try
            {
                await _commit(rows);
                Interlocked.Increment(ref _commits);
                batch.ForEach(p => p.Done.SetResult());
            }
#pragma warning disable CA1031 // Any failure of the commit belongs to the callers waiting on it; the loop goes on for the next ones.
            catch (Exception e)
#pragma warning restore CA1031
            {
                var told = _failure(e);
                batch.ForEach(p => p.Done.SetException(told));
            }
        }
    }

    /// <summary>Stops taking rows and waits until what was queued is committed.</summary>
    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _loop;
    }

    private sealed record PendingAppend(IReadOnlyList<TurnRow> Rows, TaskCompletionSource Done);
}
