using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Memobase.Errors;
using MemoSync.Memobase.Models;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace MemoSync.Delivery;

/// <summary>
/// The one delivery path of the real-time worker and the sweeper: make sure the Memobase user
/// exists, insert the turn as a chat blob carrying <c>fields.memosync_turn_id</c> and each message's
/// own time, classify any failure, and record the outcome in the journal.
/// </summary>
public sealed partial class TurnDelivery
{
    /// <summary>The blob field holding the turn id, by which duplicates can be told.</summary>
    public const string TurnIdField = "memosync_turn_id";

    private readonly MemobaseClient _client;
    private readonly IDialogueJournal _journal;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<MemobaseUserId, bool> _knownUsers = new();

    /// <summary>Creates the path; <paramref name="time"/> drives backoff.</summary>
    public TurnDelivery(MemobaseClient client, IDialogueJournal journal, DeliveryOptions options, TimeProvider time, ILogger<TurnDelivery> logger)
    {
        _client = client;
        _journal = journal;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Delivers a turn this owner has leased. With <paramref name="quickRetries"/> transient failures are
    /// retried at once (the real-time path); otherwise one attempt is made and the journal schedules the next.
    /// <paramref name="deadAfter"/> is the retry count at which a failing turn is dead.
    /// </summary>
    public async Task<DeliveryOutcome> DeliverAsync(JournalEntry entry, string owner, ResiliencePipeline quickRetries, int deadAfter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(quickRetries);
        var turn = entry.Turn;
        try
        {
            var blobId = await quickRetries.ExecuteAsync(async token => await SendAsync(turn, token), ct);
            return await _journal.MarkSyncedAsync(turn.Id, owner, blobId, ct) ? DeliveryOutcome.Synced : DeliveryOutcome.LeaseLost;
        }
        catch (MemobaseException e) when (e.Kind == MemobaseErrorKind.Permanent)
        {
            LogDead(_logger, turn.Id, e.Message);
            return await _journal.MarkDeadAsync(turn.Id, owner, e.Message, ct) ? DeliveryOutcome.Dead : DeliveryOutcome.LeaseLost;
        }
        catch (MemobaseException e) when (e.Kind == MemobaseErrorKind.Configuration)
        {
            var released = await _journal.ReleaseAsync(turn.Id, owner, _time.GetUtcNow(), e.Message, chargeRetry: false, ct);
            return released ? DeliveryOutcome.Paused : DeliveryOutcome.LeaseLost;
        }
        catch (MemobaseException e)
        {
            var retries = entry.RetryCount + 1;
            if (retries >= deadAfter)
            {
                var reason = $"gave up after {retries} failed attempts: {e.Message}";
                LogDead(_logger, turn.Id, reason);
                return await _journal.MarkDeadAsync(turn.Id, owner, reason, ct) ? DeliveryOutcome.Dead : DeliveryOutcome.LeaseLost;
            }
            var next = _time.GetUtcNow() + Backoff(retries, e);
            return await _journal.ReleaseAsync(turn.Id, owner, next, e.Message, chargeRetry: true, ct) ? DeliveryOutcome.Retrying : DeliveryOutcome.LeaseLost;
        }
    }

    /// <summary>Quick retries of transient failures: <see cref="DeliveryOptions.MaxRetries"/> attempts, exponential with jitter, honouring Retry-After.</summary>
    public ResiliencePipeline QuickRetries() => _options.MaxRetries <= 1
        ? ResiliencePipeline.Empty
        : new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<MemobaseException>(e => e.Kind == MemobaseErrorKind.Transient && !e.IsQuotaExhausted),
                MaxRetryAttempts = _options.MaxRetries - 1,
                Delay = _options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is MemobaseException { RetryAfter: { } after } ? after : (TimeSpan?)null),
            })
            .Build();

    /// <summary>
    /// When a turn that failed <paramref name="retries"/> times is due again: the sweep interval doubled
    /// per retry with ±20% jitter, at least what the server asked, an hour for a spent quota, at most <see cref="DeliveryOptions.MaxBackoff"/>.
    /// </summary>
    internal TimeSpan Backoff(int retries, MemobaseException e)
    {
        var exponential = _options.SweepInterval * Math.Pow(2, Math.Max(0, retries - 1)) * (0.8 + 0.4 * Random.Shared.NextDouble());
        var wait = TimeSpan.FromTicks(Math.Min(exponential.Ticks, _options.MaxBackoff.Ticks));
        if (e.IsQuotaExhausted)
        {
            wait = _options.MaxBackoff;
        }
        return e.RetryAfter is { } after && after > wait ? after : wait;
    }

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
