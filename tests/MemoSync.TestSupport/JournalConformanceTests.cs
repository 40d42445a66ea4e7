using MemoSync.Dialogue;
using MemoSync.Journal;
using MemoSync.Memobase.Models;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MemoSync.TestSupport;

/// <summary>
/// What every <see cref="IDialogueJournal"/> must do. A journal joins by deriving from this class and
/// saying how to open one; the clock is fake, so leases and backoff are tested without waiting.
/// </summary>
public abstract class JournalConformanceTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    protected IDialogueJournal Journal { get; private set; } = null!;

    /// <summary>Opens an empty journal on <see cref="Time"/>.</summary>
    protected abstract Task<IDialogueJournal> OpenAsync();

    public async Task InitializeAsync() => Journal = await OpenAsync();

    public virtual async Task DisposeAsync() => await Journal.DisposeAsync();

    /// <summary>Leases up to <paramref name="max"/> due turns to <paramref name="owner"/>, as a delivery engine's claim does.</summary>
    protected async Task<IReadOnlyList<JournalEntry>> ClaimAsync(int max, string owner) => (await Journal.ClaimDueAsync(max, new TurnLease(owner, Lease))).Turns;

    protected Turn NewTurn(string user = "alice", string said = "你好")
    {
        Time.Advance(TimeSpan.FromMilliseconds(1));
        return Turn.Create(user, "session-1", [new(ChatMessage.UserRole, said, null, "2024-12-04T10:30:00"), new(ChatMessage.AssistantRole, "你好！")], Time);
    }

    [Fact]
    public async Task An_appended_turn_is_pending_with_everything_it_was_given()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);

        var entry = (await Journal.GetAsync(turn.Id))!;
        Assert.Equal((turn.Id, "alice", "session-1", turn.Timestamp), (entry.Turn.Id, entry.Turn.UserId, entry.Turn.SessionId, entry.Turn.Timestamp));
        Assert.Equal(turn.Messages, entry.Turn.Messages);
        Assert.Equal((TurnState.Pending, 0, (string?)null, (Guid?)null), (entry.State, entry.RetryCount, entry.LastError, entry.BlobId));
    }

    [Fact]
    public async Task A_recorder_retrying_after_a_lost_commit_acknowledgement_records_the_turn_once()
    {
        var recorder = new DialogueRecorder(new LostAcknowledgementLog(Journal), null, "alice", "session-1", Time);
        recorder.AddUserMessage("我的猫叫咪咪");
        recorder.AddAssistantMessage("好名字！");
        await Assert.ThrowsAsync<JournalUnavailableException>(() => recorder.FinalizeTurnAsync());
        recorder.AddUserMessage("它三岁了");

        var retried = await recorder.FinalizeTurnAsync();

        var turns = await Journal.ListAsync(null, 10);
        Assert.Equal(2, turns.Count);
        Assert.Equal(["我的猫叫咪咪", "好名字！"], turns[0].Turn.Messages.Select(m => m.Content));
        Assert.Equal(["它三岁了"], turns[1].Turn.Messages.Select(m => m.Content));
        Assert.Equal(retried!.Id, turns[1].Turn.Id);
        Assert.Null(await recorder.FinalizeTurnAsync());
    }

    [Fact]
    public async Task A_leased_append_of_an_id_recorded_before_writes_nothing_and_leases_nothing()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);

        Assert.Null(await Journal.AppendLeasedAsync(turn with { Messages = [new(ChatMessage.UserRole, "again")] }, new TurnLease("engine-1", Lease)));

        var entry = Assert.Single(await Journal.ListAsync(null, 10));
        Assert.Equal(turn.Messages, entry.Turn.Messages);
        Assert.Null(entry.LeaseUntil);
    }

    [Fact]
    public async Task An_interrupted_turn_keeps_why_through_append_copy_and_claim()
    {
        var turn = NewTurn() with { Interruption = TurnInterruption.UserSpoke };
        var copied = NewTurn() with { Interruption = TurnInterruption.Dropped };
        await Journal.AppendAsync(turn);
        await Journal.AddEntriesAsync([new JournalEntry(copied, TurnState.Pending, 0, copied.Timestamp, null, null, null, null)]);
        await Journal.AppendAsync(NewTurn());

        Time.Advance(TimeSpan.FromMinutes(1));
        var claimed = await ClaimAsync(10, "worker");
        Assert.Equal([TurnInterruption.UserSpoke, TurnInterruption.Dropped, null], claimed.Select(e => e.Turn.Interruption));
    }

    [Fact]
    public async Task A_turn_keeps_the_trace_it_was_recorded_in_through_append_leased_append_and_copy()
    {
        string Trace(int n) => $"00-{n:x32}-{n:x16}-01";
        var appended = NewTurn() with { TraceParent = Trace(1) };
        var leased = NewTurn() with { TraceParent = Trace(2) };
        var copied = NewTurn() with { TraceParent = Trace(3) };
        var untraced = NewTurn();
        await Journal.AppendAsync(appended);
        await Journal.AppendLeasedAsync(leased, new TurnLease("engine", Lease));
        await Journal.AddEntriesAsync([new JournalEntry(copied, TurnState.Pending, 0, copied.Timestamp, null, null, null, null)]);
        await Journal.AppendAsync(untraced);

        var kept = await Journal.ListAsync(null, 10);

        Assert.Equal([Trace(1), Trace(2), Trace(3), null], kept.Select(e => e.Turn.TraceParent));
    }

    [Fact]
    public async Task Appending_the_same_turn_twice_keeps_one()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);
        await Journal.AppendManyAsync([turn, NewTurn()]);
        Assert.Equal(2, (await Journal.ListAsync(null, 10)).Count);
    }

    [Theory]
    [InlineData("system", "hi", "messages[0].role")]
    [InlineData("tool", "hi", "messages[0].role")]
    [InlineData("user", " ", "messages[0].content")]
    public async Task A_turn_with_a_bad_message_is_rejected_naming_the_field_and_nothing_is_written(string role, string content, string field)
    {
        var bad = Turn.Create("alice", null, [new(role, content)], Time);
        var e = await Assert.ThrowsAsync<TurnRejectedException>(() => Journal.AppendManyAsync([NewTurn(), bad]));
        Assert.Equal(field, e.Field);
        Assert.Empty(await Journal.ListAsync(null, 10));
    }

    [Fact]
    public async Task An_empty_turn_or_user_is_rejected()
    {
        Assert.Equal("messages", (await Assert.ThrowsAsync<TurnRejectedException>(() => Journal.AppendAsync(Turn.Create("alice", null, [], Time)))).Field);
        Assert.Equal("user_id", (await Assert.ThrowsAsync<TurnRejectedException>(() => Journal.AppendAsync(NewTurn(user: "")))).Field);
    }

    [Fact]
    public async Task Due_turns_are_claimed_oldest_first_and_not_again_while_the_lease_holds()
    {
        var turns = Enumerable.Range(0, 5).Select(i => NewTurn(user: $"user-{i}")).ToList();
        await Journal.AppendManyAsync(turns);

        var first = await ClaimAsync(3, "worker-a");
        Assert.Equal(turns.Take(3).Select(t => t.Id), first.Select(e => e.Turn.Id));
        var second = await ClaimAsync(10, "worker-b");
        Assert.Equal(turns.Skip(3).Select(t => t.Id), second.Select(e => e.Turn.Id));
        Assert.Empty(await ClaimAsync(10, "worker-c"));
    }

    [Fact]
    public async Task A_users_later_turns_wait_while_an_earlier_one_is_leased_elsewhere_or_in_backoff()
    {
        var (a1, a2, b1) = (NewTurn("alice"), NewTurn("alice"), NewTurn("bob"));
        await Journal.AppendManyAsync([a1, a2, b1]);

        Assert.Equal([a1.Id, a2.Id, b1.Id], (await ClaimAsync(10, "engine")).Select(e => e.Turn.Id));
        await Journal.ReleaseAsync(a1.Id, "engine", new FailedAttempt(Time.GetUtcNow().AddMinutes(5), "HTTP 503"));
        await Journal.ReleaseAsync(a2.Id, "engine", new FailedAttempt(Time.GetUtcNow(), "", ChargeRetry: false));
        await Journal.ReleaseAsync(b1.Id, "engine", new FailedAttempt(Time.GetUtcNow(), "", ChargeRetry: false));

        Assert.Equal([b1.Id], (await ClaimAsync(10, "engine")).Select(e => e.Turn.Id));
        await Journal.MarkSyncedAsync(b1.Id, "engine", null);
        Assert.Empty(await ClaimAsync(10, "worker"));
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([a1.Id, a2.Id], (await ClaimAsync(10, "engine")).Select(e => e.Turn.Id));
    }

    [Fact]
    public async Task A_claim_passes_over_what_its_owner_holds_without_holding_back_the_users_later_turns()
    {
        var (a1, a2) = (NewTurn("alice"), NewTurn("alice"));
        await Journal.AppendAsync(a1);
        Assert.Equal([a1.Id], (await ClaimAsync(10, "engine")).Select(e => e.Turn.Id));
        await Journal.AppendAsync(a2);

        Assert.Empty(await ClaimAsync(10, "other"));
        Assert.Equal([a2.Id], (await ClaimAsync(10, "engine")).Select(e => e.Turn.Id));
    }

    [Fact]
    public async Task A_leased_append_holds_the_turn_for_its_owner_unless_an_earlier_turn_of_the_user_is_someone_elses()
    {
        var lease = new TurnLease("engine", Lease);
        var first = NewTurn("alice");
        var place = await Journal.AppendLeasedAsync(first, lease);
        Assert.NotNull(place);
        var entry = (await Journal.GetAsync(first.Id))!;
        Assert.Equal((place!.Value, (DateTimeOffset?)(Time.GetUtcNow() + Lease)), (entry.Seq, entry.LeaseUntil));
        Assert.Empty(await ClaimAsync(10, "other"));

        // A later turn of the same user joins its owner's; behind another owner's it waits in the journal.
        Assert.NotNull(await Journal.AppendLeasedAsync(NewTurn("alice"), lease));
        Assert.Null(await Journal.AppendLeasedAsync(NewTurn("alice"), new TurnLease("other", Lease)));
        Assert.NotNull(await Journal.AppendLeasedAsync(NewTurn("bob"), new TurnLease("other", Lease)));
        Assert.Null(await Journal.AppendLeasedAsync(first, lease));
    }

    [Fact]
    public async Task A_claim_says_when_the_next_turn_left_behind_falls_due()
    {
        var (a, b, c) = (NewTurn("alice"), NewTurn("bob"), NewTurn("carol"));
        await Journal.AppendManyAsync([a, b, c]);
        var lease = new TurnLease("engine", Lease);

        var limited = await Journal.ClaimDueAsync(1, lease);
        Assert.Equal((a.Id, (DateTimeOffset?)Time.GetUtcNow()), (Assert.Single(limited.Turns).Turn.Id, limited.NextDue));
        var rest = await Journal.ClaimDueAsync(10, lease);
        Assert.Equal([b.Id, c.Id], rest.Turns.Select(e => e.Turn.Id));
        Assert.Null(rest.NextDue);

        await Journal.ReleaseAsync(a.Id, "engine", new FailedAttempt(Time.GetUtcNow().AddMinutes(5), "HTTP 503"));
        Assert.Equal(Time.GetUtcNow().AddMinutes(5), (await Journal.ClaimDueAsync(10, lease)).NextDue);
        Assert.Equal(Time.GetUtcNow() + Lease, (await Journal.ClaimDueAsync(10, new TurnLease("other", Lease))).NextDue);
    }

    [Fact]
    public async Task Renewing_keeps_a_lease_alive_and_tells_which_turns_were_lost()
    {
        var (kept, lost) = (NewTurn("alice"), NewTurn("bob"));
        await Journal.AppendManyAsync([kept, lost]);
        await ClaimAsync(10, "engine");

        Time.Advance(Lease * 2 / 3);
        Assert.Equal([kept.Id], await Journal.RenewAsync([kept.Id], new TurnLease("engine", Lease)));
        Time.Advance(Lease * 2 / 3);
        Assert.Equal([lost.Id], (await ClaimAsync(10, "other")).Select(e => e.Turn.Id));
        Assert.Equal([kept.Id], await Journal.RenewAsync([kept.Id, lost.Id], new TurnLease("engine", Lease)));
    }

    [Fact]
    public async Task Unleased_turns_are_due_at_once_for_anyone_uncharged_and_with_no_doubt_about_their_outcome()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);
        await ClaimAsync(10, "engine");
        Assert.Equal(1, await Journal.UnleaseAsync([turn.Id], "engine"));

        var again = Assert.Single(await ClaimAsync(10, "other"));
        Assert.Equal((0, false), (again.RetryCount, again.OutcomeUnknown));
    }

    [Fact]
    public async Task A_lost_answer_or_a_lease_that_ran_out_unsettled_marks_the_outcome_unknown_until_synced()
    {
        var (lost, abandoned) = (NewTurn("alice"), NewTurn("bob"));
        await Journal.AppendManyAsync([lost, abandoned]);
        await ClaimAsync(10, "dead-process");
        await Journal.ReleaseAsync(lost.Id, "dead-process", new FailedAttempt(Time.GetUtcNow(), "connection reset", ChargeRetry: false, OutcomeUnknown: true));

        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var claimed = await ClaimAsync(10, "engine");
        Assert.Equal([(lost.Id, true, 0), (abandoned.Id, true, 0)], claimed.Select(e => (e.Turn.Id, e.OutcomeUnknown, e.RetryCount)));
        await Journal.MarkSyncedAsync(lost.Id, "engine", Guid.NewGuid());
        Assert.False((await Journal.GetAsync(lost.Id))!.OutcomeUnknown);
    }

    [Fact]
    public async Task An_expired_lease_lets_another_owner_take_the_turn_and_the_first_can_no_longer_settle_it()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);
        Assert.Single(await ClaimAsync(10, "dead-process"));
        Assert.Empty(await ClaimAsync(10, "engine"));

        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(turn.Id, Assert.Single(await ClaimAsync(10, "engine")).Turn.Id);
        Assert.False(await Journal.MarkSyncedAsync(turn.Id, "dead-process", Guid.NewGuid()));
        Assert.True(await Journal.MarkSyncedAsync(turn.Id, "engine", null));
    }

    [Fact]
    public async Task The_change_signal_tells_of_a_turn_the_caller_does_not_know()
    {
        await Journal.AppendAsync(NewTurn());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = await Journal.WaitForNewTurnsAsync(0, () => 0, deadline.Token);

        var known = await Journal.AppendLeasedAsync(NewTurn("bob"), new TurnLease("engine", Lease));
        var waiting = Journal.WaitForNewTurnsAsync(first, () => known!.Value, deadline.Token);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        await Journal.AppendAsync(NewTurn("carol"));
        Assert.True(await waiting > known);
    }

    [Fact]
    public async Task A_recorded_turn_counts_its_latency_from_when_it_was_recorded_even_when_its_own_time_is_old()
    {
        var old = Turn.Create("alice", null, [new(ChatMessage.UserRole, "hi")], new FakeTimeProvider(new DateTimeOffset(2024, 12, 4, 10, 30, 0, TimeSpan.Zero)));
        await Journal.ImportAsync([new ImportedTurn(old, Synced: false, RetryCount: 0, "hash-1")]);
        var entry = Assert.Single(await ClaimAsync(10, "engine"));
        Assert.Equal((Time.GetUtcNow(), old.Timestamp), (entry.RecordedAt, entry.Turn.Timestamp));
    }

    [Fact]
    public async Task A_synced_turn_keeps_its_blob_id_and_is_never_claimed_again()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);
        await ClaimAsync(100, "w");
        var blob = Guid.NewGuid();
        Assert.True(await Journal.MarkSyncedAsync(turn.Id, "w", blob));

        var entry = (await Journal.GetAsync(turn.Id))!;
        Assert.Equal((TurnState.Synced, (Guid?)blob, (DateTimeOffset?)Time.GetUtcNow()), (entry.State, entry.BlobId, entry.SyncedAt));
        Assert.Empty(await ClaimAsync(10, "w"));
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await ClaimAsync(10, "w"));
    }

    [Fact]
    public async Task A_released_turn_counts_the_retry_and_waits_for_its_next_attempt()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);
        await ClaimAsync(100, "w");
        Assert.True(await Journal.ReleaseAsync(turn.Id, "w", new FailedAttempt(Time.GetUtcNow().AddMinutes(5), "HTTP 503")));

        var entry = (await Journal.GetAsync(turn.Id))!;
        Assert.Equal((1, "HTTP 503", (DateTimeOffset?)null), (entry.RetryCount, entry.LastError, entry.LeaseUntil));
        Assert.Empty(await ClaimAsync(10, "w"));
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Single(await ClaimAsync(10, "w"));
        Assert.True(await Journal.ReleaseAsync(turn.Id, "w", new FailedAttempt(Time.GetUtcNow(), "token rejected", ChargeRetry: false)));
        Assert.Equal(1, (await Journal.GetAsync(turn.Id))!.RetryCount);
    }

    [Fact]
    public async Task A_dead_turn_keeps_its_reason_until_it_is_requeued()
    {
        var a = NewTurn();
        var b = NewTurn();
        await Journal.AppendManyAsync([a, b]);
        foreach (var t in new[] { a, b })
        {
            await ClaimAsync(100, "w");
            await Journal.ReleaseAsync(t.Id, "w", new FailedAttempt(Time.GetUtcNow(), "HTTP 500"));
            await ClaimAsync(100, "w");
            Assert.True(await Journal.MarkDeadAsync(t.Id, "w", "Unable to parse blob"));
        }
        Assert.Equal(2, (await Journal.ListAsync(TurnState.Dead, 10)).Count);
        Assert.Empty(await ClaimAsync(10, "w"));

        Assert.True(await Journal.RequeueAsync(a.Id));
        Assert.Equal((TurnState.Pending, 0), ((await Journal.GetAsync(a.Id))!.State, (await Journal.GetAsync(a.Id))!.RetryCount));
        Assert.Equal(1, await Journal.RequeueDeadAsync());
        Assert.Equal(2, (await ClaimAsync(10, "w")).Count);
        Assert.False(await Journal.RequeueAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Users_are_listed_with_their_counts_last_sync_and_oldest_pending_searched_by_id_and_sorted()
    {
        var (first, second, bob, carol, bob21) = (NewTurn("alice"), NewTurn("alice"), NewTurn("bob_1"), NewTurn("carol"), NewTurn("bob21"));
        await Journal.AppendManyAsync([first, second, bob, carol, bob21]);
        await ClaimAsync(100, "w");
        await Journal.MarkSyncedAsync(first.Id, "w", null);
        var syncedAt = Time.GetUtcNow();
        await Journal.MarkDeadAsync(carol.Id, "w", "refused");
        await Journal.UnleaseAsync([second.Id, bob.Id, bob21.Id], "w");

        var users = await Journal.ListUsersAsync(new UserQuery());

        Assert.Equal(["alice", "bob21", "bob_1", "carol"], users.Select(u => u.UserId));
        Assert.Equal(new UserSummary("alice", 1, 1, 0, syncedAt, second.Timestamp), users[0]);
        Assert.Equal(new UserSummary("carol", 0, 0, 1, null, null), users[3]);
        Assert.Equal("carol", (await Journal.ListUsersAsync(new UserQuery(Sort: UserSort.Dead, Descending: true)))[0].UserId);
        // Users never synced come last whichever the order.
        Assert.Equal(["alice", "bob21", "bob_1", "carol"], (await Journal.ListUsersAsync(new UserQuery(Sort: UserSort.LastSynced, Descending: true))).Select(u => u.UserId));
        Assert.Equal(["alice", "bob21", "bob_1", "carol"], (await Journal.ListUsersAsync(new UserQuery(Sort: UserSort.LastSynced))).Select(u => u.UserId));
        Assert.Equal(["alice", "bob_1", "bob21", "carol"], (await Journal.ListUsersAsync(new UserQuery(Sort: UserSort.OldestPending))).Select(u => u.UserId));
        // The search ignores case, and its _ is a character, not a wildcard.
        Assert.Equal(["bob_1"], (await Journal.ListUsersAsync(new UserQuery("B_1"))).Select(u => u.UserId));
        Assert.Equal(2, (await Journal.ListUsersAsync(new UserQuery(Limit: 2))).Count);
        Assert.Empty(await Journal.ListUsersAsync(new UserQuery("%")));
    }

    [Fact]
    public async Task A_users_turns_are_listed_newest_first_and_their_dead_turns_requeued_alone()
    {
        var (first, second, bob) = (NewTurn("alice"), NewTurn("alice"), NewTurn("bob"));
        await Journal.AppendManyAsync([first, second, bob]);
        await ClaimAsync(100, "w");
        foreach (var turn in new[] { first, second, bob })
        {
            Assert.True(await Journal.MarkDeadAsync(turn.Id, "w", "refused"));
        }

        Assert.Equal([second.Id, first.Id], (await Journal.ListUserTurnsAsync("alice", null, 10)).Select(e => e.Turn.Id));
        Assert.Equal([second.Id], (await Journal.ListUserTurnsAsync("alice", TurnState.Dead, 1)).Select(e => e.Turn.Id));
        Assert.Empty(await Journal.ListUserTurnsAsync("alice", TurnState.Synced, 10));

        Assert.Equal(2, await Journal.RequeueDeadAsync("alice"));
        Assert.Equal((TurnState.Pending, 0), ((await Journal.GetAsync(first.Id))!.State, (await Journal.GetAsync(first.Id))!.RetryCount));
        Assert.Equal(TurnState.Dead, (await Journal.GetAsync(bob.Id))!.State);
        Assert.Equal(0, await Journal.RequeueDeadAsync("alice"));
    }

    [Fact]
    public async Task Status_counts_by_state_and_user_with_the_oldest_pending_and_recent_errors()
    {
        var synced = NewTurn("alice");
        var oldest = NewTurn("alice");
        var failing = NewTurn("bob");
        await Journal.AppendManyAsync([synced, oldest, failing]);
        await ClaimAsync(100, "w");
        await Journal.MarkSyncedAsync(synced.Id, "w", null);
        await ClaimAsync(100, "w");
        await Journal.MarkDeadAsync(failing.Id, "w", "Unable to parse blob: role");

        var status = await Journal.GetStatusAsync();
        Assert.Equal((1L, 1L, 1L, (DateTimeOffset?)oldest.Timestamp), (status.Pending, status.Synced, status.Dead, status.OldestPending));
        Assert.Equal([new UserTurnCounts("alice", 1, 1, 0), new UserTurnCounts("bob", 0, 0, 1)], status.Users);
        var error = Assert.Single(status.RecentErrors);
        Assert.Equal((failing.Id, TurnState.Dead, "Unable to parse blob: role"), (error.TurnId, error.State, error.Error));
    }

    [Fact]
    public async Task Purging_removes_only_synced_turns_older_than_the_retention()
    {
        var old = NewTurn();
        var recent = NewTurn();
        var pending = NewTurn();
        await Journal.AppendManyAsync([old, recent, pending]);
        await ClaimAsync(100, "w");
        await Journal.MarkSyncedAsync(old.Id, "w", null);
        Time.Advance(TimeSpan.FromDays(8));
        await ClaimAsync(100, "w");
        await Journal.MarkSyncedAsync(recent.Id, "w", null);

        Assert.Equal(1, await Journal.PurgeSyncedAsync(Time.GetUtcNow().AddDays(-7)));
        Assert.Null(await Journal.GetAsync(old.Id));
        Assert.NotNull(await Journal.GetAsync(recent.Id));
        Assert.NotNull(await Journal.GetAsync(pending.Id));
    }

    [Fact]
    public async Task A_batched_purge_takes_the_oldest_synced_turns_first_and_never_a_dead_one()
    {
        var synced = Enumerable.Range(0, 5).Select(i => NewTurn($"user-{i}")).ToList();
        var dead = NewTurn("carol");
        await Journal.AppendManyAsync([.. synced, dead]);
        foreach (var turn in synced)
        {
            await ClaimAsync(100, "w");
            await Journal.MarkSyncedAsync(turn.Id, "w", null);
            Time.Advance(TimeSpan.FromMinutes(1));
        }
        await ClaimAsync(100, "w");
        await Journal.MarkDeadAsync(dead.Id, "w", "refused");
        Time.Advance(TimeSpan.FromDays(8));
        var before = Time.GetUtcNow().AddDays(-7);

        Assert.Equal(5, await Journal.CountSyncedBeforeAsync(before));
        Assert.Equal(2, await Journal.PurgeSyncedBatchAsync(before, 2));
        Assert.All(await Task.WhenAll(synced.Take(2).Select(t => Journal.GetAsync(t.Id))), Assert.Null);
        Assert.Equal(3, await Journal.CountSyncedBeforeAsync(before));
        Assert.Equal(3, await Journal.PurgeSyncedBatchAsync(before, 10));
        Assert.Equal(0, await Journal.PurgeSyncedBatchAsync(before, 10));
        Assert.Equal(TurnState.Dead, (await Journal.GetAsync(dead.Id))!.State);
    }

    [Fact]
    public async Task A_follow_checkpoint_is_kept_per_path_and_each_save_replaces_the_one_before()
    {
        Assert.Null(await Journal.GetFollowCheckpointAsync("/data/save_data.jsonl"));
        var first = new FollowCheckpoint("/data/save_data.jsonl", 499, 4, "254:0:11657660", new string('a', 64));
        await Journal.SaveFollowCheckpointAsync(first);
        await Journal.SaveFollowCheckpointAsync(new FollowCheckpoint("/other/save_data.jsonl", 10, 1, null, new string('c', 64)));
        Assert.Equal(first, await Journal.GetFollowCheckpointAsync("/data/save_data.jsonl"));

        // Past 2 GiB, and without a file identity: a system that does not tell one.
        var later = new FollowCheckpoint("/data/save_data.jsonl", 5_000_000_000, 12_345, null, new string('b', 64));
        await Journal.SaveFollowCheckpointAsync(later);

        Assert.Equal(later, await Journal.GetFollowCheckpointAsync("/data/save_data.jsonl"));
        Assert.Equal(new FollowCheckpoint("/other/save_data.jsonl", 10, 1, null, new string('c', 64)), await Journal.GetFollowCheckpointAsync("/other/save_data.jsonl"));
        Assert.Null(await Journal.GetFollowCheckpointAsync("/data/save_data.jsonl.1"));
    }

    [Fact]
    public async Task Importing_the_same_lines_twice_adds_them_once_keeping_their_state()
    {
        ImportedTurn[] lines = [new(NewTurn(), Synced: false, RetryCount: 2, "hash-1"), new(NewTurn(), Synced: true, RetryCount: 0, "hash-2")];
        Assert.Equal(2, await Journal.ImportAsync(lines));
        ImportedTurn[] again = [new(NewTurn(), false, 2, "hash-1"), new(NewTurn(), true, 0, "hash-2")];
        Assert.Equal(0, await Journal.ImportAsync(again));

        var status = await Journal.GetStatusAsync();
        Assert.Equal((1L, 1L), (status.Pending, status.Synced));
        Assert.Equal(2, Assert.Single(await Journal.ListAsync(TurnState.Pending, 10)).RetryCount);
    }

    [Fact]
    public async Task Import_marks_page_in_hash_order_and_a_line_whose_mark_was_added_is_not_imported()
    {
        var (imported, elsewhere) = (NewTurn(), Guid.NewGuid());
        Assert.Equal(2, await Journal.ImportAsync([new(NewTurn(), false, 0, "hash-b"), new(imported, false, 0, "hash-a")]));
        Assert.Equal(1, await Journal.AddImportMarksAsync([new("hash-c", elsewhere), new("hash-a", Guid.NewGuid())]));

        var first = await Journal.ListImportMarksAfterAsync(null, 2);
        Assert.Equal(["hash-a", "hash-b"], first.Select(m => m.ContentHash));
        Assert.Equal(imported.Id, first[0].TurnId);
        Assert.Equal(new ImportMark("hash-c", elsewhere), Assert.Single(await Journal.ListImportMarksAfterAsync(first[^1].ContentHash, 10)));
        Assert.Equal(0, await Journal.ImportAsync([new(NewTurn(), false, 0, "hash-c")]));
        Assert.Equal(2, (await Journal.GetStatusAsync()).Pending);
    }

    [Fact]
    public async Task Concurrent_appends_are_all_recorded()
    {
        var turns = Enumerable.Range(0, 200).Select(i => NewTurn($"user-{i % 7}")).ToList();
        await Task.WhenAll(turns.Select(t => Task.Run(() => Journal.AppendAsync(t))));
        Assert.Equal(200, (await Journal.GetStatusAsync()).Pending);
    }

    [Fact]
    public async Task Listing_after_a_turn_pages_through_the_journal_in_order()
    {
        var turns = Enumerable.Range(0, 5).Select(i => NewTurn($"user-{i % 2}")).ToList();
        await Journal.AppendManyAsync(turns);

        var first = await Journal.ListAfterAsync(null, 2);
        var rest = await Journal.ListAfterAsync(first[^1].Turn.Id, 10);
        Assert.Equal(turns.Select(t => t.Id), first.Concat(rest).Select(e => e.Turn.Id));
        Assert.Empty(await Journal.ListAfterAsync(rest[^1].Turn.Id, 10));
    }

    [Fact]
    public async Task Entries_added_from_another_journal_keep_their_state_and_adding_them_again_adds_nothing()
    {
        var (pending, synced, dead) = (NewTurn("alice"), NewTurn("alice"), NewTurn("bob"));
        var blob = Guid.NewGuid();
        var next = Time.GetUtcNow().AddMinutes(10);
        JournalEntry[] entries =
        [
            new(pending, TurnState.Pending, 2, next, "HTTP 503", LeaseUntil: next, null, null),
            new(synced, TurnState.Synced, 1, synced.Timestamp, null, null, blob, Time.GetUtcNow()),
            new(dead, TurnState.Dead, 5, dead.Timestamp, "Unable to parse blob", null, null, null),
        ];

        Assert.Equal(3, await Journal.AddEntriesAsync(entries));
        Assert.Equal(0, await Journal.AddEntriesAsync(entries));

        static object State(JournalEntry e) => (e.Turn.Id, e.Turn.Timestamp, e.State, e.RetryCount, e.NextAttemptAt, e.LastError, e.BlobId, e.SyncedAt);
        var copied = await Journal.ListAsync(null, 10);
        Assert.Equal(entries.Select(State), copied.Select(State));
        Assert.All(copied, e => Assert.Null(e.LeaseUntil));
        Assert.Equal(pending.Messages, copied[0].Turn.Messages);
        Assert.Empty(await ClaimAsync(10, "w"));
        Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(pending.Id, Assert.Single(await ClaimAsync(10, "w")).Turn.Id);
    }
}
