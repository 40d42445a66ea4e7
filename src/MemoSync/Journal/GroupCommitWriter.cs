using System.Threading.Channels;

namespace MemoSync.Journal;

/// <summary>
/// Group commit for a journal's writes: callers hand over their writes and wait; one loop applies
/// whatever has gathered in one durable commit, so concurrent callers share a flush, and each caller
/// returns once its own write is committed (or with the commit's failure).
/// </summary>
/// <typeparam name="TWrite">What a caller hands over: the commit knows how to apply it.</typeparam>
internal sealed class GroupCommitWriter<TWrite> : IAsyncDisposable
{
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TWrite>, Task> _commit;
    private readonly Func<TWrite, Exception, Exception> _failure;
    private readonly Func<TWrite, int> _weight;
    private readonly int _maxBatch;
    private readonly Task _loop;
    private long _commits;

    /// <summary>Starts the writer.</summary>
    /// <param name="commit">Applies the writes of a batch, in order, in one transaction and returns once they are durable.</param>
    /// <param name="failure">What the caller of a write is told when its batch's commit fails with the given exception.</param>
    /// <param name="weight">A write's share of a batch (its rows, say).</param>
    /// <param name="maxBatch">Weight at most in one commit (a single heavier write is committed alone).</param>
    public GroupCommitWriter(Func<IReadOnlyList<TWrite>, Task> commit, Func<TWrite, Exception, Exception> failure, Func<TWrite, int> weight, int maxBatch = 1024)
    {
        _commit = commit;
        _failure = failure;
        _weight = weight;
        _maxBatch = maxBatch;
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Durable commits so far; fewer than the writes when callers shared commits.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>
    /// Queues <paramref name="write"/> for the next commit; completes once it is durable. Cancelled while it waits for a
    /// batch, it is never applied; once in a batch, it is waited for, so a cancelled write is one that was not made.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The writer is closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before the write was taken into a batch.</exception>
    public async Task WriteAsync(TWrite write, CancellationToken ct)
    {
        var pending = new PendingWrite(write);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(pending), this);
        await using (ct.Register(() => pending.TryCancel(ct)))
        {
            await pending.Done.Task;
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _writes.Reader;
        var batch = new List<PendingWrite>();
        var writes = new List<TWrite>();
        while (await reader.WaitToReadAsync())
        {
            if (batch.Count > 1)
            {
                // Several callers shared the last commit: let those woken by it hand over their next writes so they share this one too.
                await Task.Yield();
            }
            batch.Clear();
            writes.Clear();
            var weight = 0;
            while (weight < _maxBatch && reader.TryRead(out var pending))
            {
                if (!pending.TryTake())
                {
                    continue;
                }
                batch.Add(pending);
                writes.Add(pending.Write);
                weight += _weight(pending.Write);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                await _commit(writes);
                Interlocked.Increment(ref _commits);
                batch.ForEach(p => p.Done.SetResult());
            }
#pragma warning disable CA1031 // Any failure of the commit belongs to the callers waiting on it; the loop goes on for the next ones.
            catch (Exception e)
#pragma warning restore CA1031
            {
                batch.ForEach(p => p.Done.SetException(_failure(p.Write, e)));
            }
        }
    }

    /// <summary>Stops taking writes and waits until what was queued is committed.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _loop;
    }

    private sealed class PendingWrite(TWrite write)
    {
        private const int Queued = 0, Taken = 1, Cancelled = 2;
        private int _state;

        public TWrite Write => write;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Takes it into a batch; false when its caller cancelled it first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        /// <summary>Cancels it unless a batch has taken it already.</summary>
        public void TryCancel(CancellationToken ct)
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                Done.TrySetCanceled(ct);
            }
        }
    }
}
