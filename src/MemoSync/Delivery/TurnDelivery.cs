using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using MemoSync.Journal;
using MemoSync.Operations;
using MemoSync.Memobase;
using MemoSync.Memobase.Errors;
using MemoSync.Memobase.Models;
using Microsoft.Extensions.Logging;

namespace MemoSync.Delivery;

/// <summary>
/// The delivery of one leased turn: make sure the Memobase user exists, insert the turn as a chat blob carrying
/// <c>fields.memosync_turn_id</c> and each message's own time, with quick retries of transient failures, classify what
/// failed, and record the outcome in the journal. After an answer was lost, the blob is looked for before the turn is sent
/// again. No wait runs past the turn's lease.
/// </summary>
public sealed partial class TurnDelivery
{
    /// <summary>The blob field holding the turn id, by which duplicates can be told.</summary>
    public const string TurnIdField = "memosync_turn_id";

    private readonly IMemobaseClient _client;
    private readonly IDeliveryLeases _journal;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<MemobaseUserId, bool> _knownUsers = new();

    /// <summary>Creates the path; <paramref name="time"/> drives backoff and the lease's deadline.</summary>
    public TurnDelivery(IMemobaseClient client, IDeliveryLeases journal, DeliveryOptions options, TimeProvider time, ILogger<TurnDelivery> logger)
    {
        _client = client;
        _journal = journal;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Delivers a turn <paramref name="owner"/> has leased until <paramref name="leaseEnds"/> (read again before each
    /// attempt, as renewals move it). With <paramref name="quick"/>, transient failures are retried at once, up to
    /// <see cref="DeliveryOptions.MaxRetries"/> attempts; otherwise one attempt is made. Either way a failure that remains
    /// is written to the journal with the time the turn is due again.
    /// </summary>
    /// <remarks>
    /// A loop rather than a retry pipeline: between two attempts it must look for the blob of a lost answer, and it must
    /// stop short of a wait that would outlive the lease, which a pipeline decides only after it has chosen the wait.
    /// </remarks>
    public async Task<DeliveryOutcome> DeliverAsync(JournalEntry entry, string owner, bool quick, Func<DateTimeOffset> leaseEnds, SyncStatistics statistics,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(leaseEnds);
        ArgumentNullException.ThrowIfNull(statistics);
        var turn = entry.Turn;
        var unknown = entry.OutcomeUnknown;
        var attempts = quick ? _options.MaxRetries : 1;
        for (var attempt = 1; ; attempt++)
        {
            var left = leaseEnds() - _time.GetUtcNow() - LeaseMargin;
            if (left < _client.Timeout || ct.IsCancellationRequested)
            {
                // Stopping, or a request now could still be waiting for its answer when another owner takes the turn.
                return DeliveryOutcome.Untried;
            }
            using var span = MemoSyncTracing.StartAttempt(turn, attempt);
            MemobaseException failure;
            // While the blob of a lost answer is looked for, a failure says nothing of the turn: it is never charged.
            var looking = unknown;
            try
            {
                using var leaseRunsOut = new CancellationTokenSource(left, _time);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct, leaseRunsOut.Token);
                var blobId = unknown ? await FindAsync(turn, deadline.Token) : null;
                looking = false;
                if (blobId is not null)
                {
                    statistics.Verified();
                }
                blobId ??= await SendAsync(turn, deadline.Token);
                MemoSyncTracing.Synced(span, blobId.Value);
                return await _journal.MarkSyncedAsync(turn.Id, owner, blobId, CancellationToken.None) ? DeliveryOutcome.Synced : DeliveryOutcome.LeaseLost;
            }
            catch (MemobaseException e) when (e.Kind == MemobaseErrorKind.Permanent && !looking)
            {
                MemoSyncTracing.Failed(span, e.Message);
                return await DeadAsync(turn, owner, e.Message);
            }
            catch (MemobaseException e) when (e.Kind == MemobaseErrorKind.Configuration)
            {
                MemoSyncTracing.Failed(span, e.Message);
                var paused = new FailedAttempt(entry.NextAttemptAt, e.Message, ChargeRetry: false, OutcomeUnknown: unknown);
                return await _journal.ReleaseAsync(turn.Id, owner, paused, CancellationToken.None) ? DeliveryOutcome.Paused : DeliveryOutcome.LeaseLost;
            }
            catch (MemobaseException e)
            {
                failure = e;
            }
            catch (OperationCanceledException e)
            {
                // Stopping, or the lease's deadline: a request cut short may have been stored.
                failure = new MemobaseException("insert blob", MemobaseErrorKind.Transient,
                    ct.IsCancellationRequested ? "delivery stopped before Memobase answered" : "no answer before the turn's lease ran out", inner: e, outcomeUnknown: true);
            }
            MemoSyncTracing.Failed(span, failure.Message);
            if (failure.OutcomeUnknown && !looking)
            {
                unknown = true;
                statistics.OutcomeUnknown();
            }
            var charged = !failure.OutcomeUnknown && !looking;
            var wait = QuickWait(attempt, failure);
            if (attempt >= attempts || failure.IsQuotaExhausted || ct.IsCancellationRequested
                || _time.GetUtcNow() + wait + _client.Timeout > leaseEnds() - LeaseMargin)
            {
                return await RetryLaterAsync(entry, owner, failure, charged, unknown, stopping: ct.IsCancellationRequested);
            }
            await Task.Delay(wait, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>What is kept of a lease for the outcome's write, after the last request: a tenth of it.</summary>
    private TimeSpan LeaseMargin => _options.Lease / 10;

    /// <summary>The pause before quick attempt <paramref name="attempt"/>+1: exponential from <see cref="DeliveryOptions.RetryDelay"/> with jitter, or what the server asked.</summary>
    private TimeSpan QuickWait(int attempt, MemobaseException e)
    {
        var wait = _options.RetryDelay * Math.Pow(2, attempt - 1) * (0.8 + 0.4 * Random.Shared.NextDouble());
        return e.RetryAfter is { } after && after > wait ? after : wait;
    }

    /// <summary>
    /// Ends a delivery that did not get through. A lost answer, or a failed look for its blob, is not the turn's fault (it
    /// may be stored already): it is not <paramref name="charged"/>, and never brings the turn nearer to dead.
    /// </summary>
    private async Task<DeliveryOutcome> RetryLaterAsync(JournalEntry entry, string owner, MemobaseException e, bool charged, bool unknown, bool stopping)
    {
        var retries = entry.RetryCount + (charged ? 1 : 0);
        if (charged && retries >= _options.DeadAfter)
        {
            return await DeadAsync(entry.Turn, owner, $"gave up after {retries} failed deliveries: {e.Message}");
        }
        // Cut short by a stop, it is due at once for whoever delivers next (who first looks whether it was stored).
        var next = _time.GetUtcNow() + (stopping ? TimeSpan.Zero : Backoff(Math.Max(1, retries), e));
        var attempt = new FailedAttempt(next, e.Message, charged, unknown);
        return await _journal.ReleaseAsync(entry.Turn.Id, owner, attempt, CancellationToken.None) ? DeliveryOutcome.Retrying : DeliveryOutcome.LeaseLost;
    }

    private async Task<DeliveryOutcome> DeadAsync(Turn turn, string owner, string reason)
    {
        LogDead(_logger, turn.Id, reason);
        return await _journal.MarkDeadAsync(turn.Id, owner, reason, CancellationToken.None) ? DeliveryOutcome.Dead : DeliveryOutcome.LeaseLost;
    }

    /// <summary>
    /// When a turn that failed <paramref name="retries"/> times is due again: the sync interval doubled per retry with
    /// ±20% jitter, at least what the server asked, the longest backoff for a spent quota, and never later than
    /// <see cref="DeliveryOptions.MaxBackoff"/>.
    /// </summary>
    internal TimeSpan Backoff(int retries, MemobaseException e)
    {
        // In seconds: a long interval doubled 30 times is past what a TimeSpan holds, and is cut to the longest backoff anyway.
        var exponential = _options.SyncInterval.TotalSeconds * Math.Pow(2, Math.Min(30, Math.Max(0, retries - 1))) * (0.8 + 0.4 * Random.Shared.NextDouble());
        var wait = e.IsQuotaExhausted || exponential >= _options.MaxBackoff.TotalSeconds ? _options.MaxBackoff : TimeSpan.FromSeconds(exponential);
        if (e.RetryAfter is { } after && after > wait)
        {
            wait = after;
        }
        return wait < _options.MaxBackoff ? wait : _options.MaxBackoff;
    }

    /// <summary>The blob a lost answer may have stored, looked for with a bounded number of requests.</summary>
    private Task<Guid?> FindAsync(Turn turn, CancellationToken ct) =>
        _client.FindBlobByFieldAsync(MemobaseUserId.FromUuidOrName(turn.UserId), TurnIdField, turn.Id.ToString(), BlobType.Chat, _options.VerifyRequests, ct);

    private async Task<Guid> SendAsync(Turn turn, CancellationToken ct)
    {
        var user = MemobaseUserId.FromUuidOrName(turn.UserId);
        if (!_knownUsers.ContainsKey(user))
        {
            await _client.GetOrCreateUserAsync(user, ct: ct);
            _knownUsers[user] = true;
        }
        try
        {
            return (await _client.InsertChatBlobAsync(user, Messages(turn), Fields(turn), ct: ct)).Id;
        }
        catch (MemobaseException e) when (e.Kind == MemobaseErrorKind.MissingUser)
        {
            // Deleted on the server since we cached it: create it again and retry once.
            await _client.GetOrCreateUserAsync(user, ct: ct);
            return (await _client.InsertChatBlobAsync(user, Messages(turn), Fields(turn), ct: ct)).Id;
        }
    }

    /// <summary>Each message keeps its own time; one without falls back to the turn's, so a late delivery is never dated now.</summary>
    private static List<ChatMessage> Messages(Turn turn)
    {
        var fallback = turn.Timestamp.ToString("O", CultureInfo.InvariantCulture);
        return turn.Messages.Select(m => m.CreatedAt is null ? m with { CreatedAt = fallback } : m).ToList();
    }

    private static JsonObject Fields(Turn turn)
    {
        var fields = new JsonObject { [TurnIdField] = turn.Id.ToString() };
        if (turn.SessionId is { } session)
        {
            fields["memosync_session_id"] = session;
        }
        if (turn.Interruption is { } interruption)
        {
            fields["memosync_interrupted"] = interruption.Name();
        }
        return fields;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Turn {TurnId} is dead: {Reason}")]
    private static partial void LogDead(ILogger logger, Guid turnId, string reason);
}
