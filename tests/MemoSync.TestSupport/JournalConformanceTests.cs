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
    public async Task An_interrupted_turn_keeps_why_through_append_copy_and_claim()
    {
        var turn = NewTurn() with { Interruption = TurnInterruption.UserSpoke };
        var copied = NewTurn() with { Interruption = TurnInterruption.Dropped };
        await Journal.AppendAsync(turn);
        await Journal.AddEntriesAsync([new JournalEntry(copied, TurnState.Pending, 0, copied.Timestamp, null, null, null, null)]);
        await Journal.AppendAsync(NewTurn());

        Time.Advance(TimeSpan.FromMinutes(1));
        var claimed = await Journal.ClaimDueAsync(10, "worker", Lease);
        Assert.Equal([TurnInterruption.UserSpoke, TurnInterruption.Dropped, null], claimed.Select(e => e.Turn.Interruption));
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

        var first = await Journal.ClaimDueAsync(3, "worker-a", Lease);
        Assert.Equal(turns.Take(3).Select(t => t.Id), first.Select(e => e.Turn.Id));
        var second = await Journal.ClaimDueAsync(10, "worker-b", Lease);
        Assert.Equal(turns.Skip(3).Select(t => t.Id), second.Select(e => e.Turn.Id));
        Assert.Empty(await Journal.ClaimDueAsync(10, "worker-c", Lease));
    }

    [Fact]
    public async Task A_users_later_turns_wait_while_an_earlier_one_is_leased_elsewhere_or_in_backoff()
    {
        var (a1, a2, b1) = (NewTurn("alice"), NewTurn("alice"), NewTurn("bob"));
        await Journal.AppendManyAsync([a1, a2, b1]);

        Assert.Equal([a1.Id, a2.Id, b1.Id], (await Journal.ClaimDueAsync(10, "sweeper", Lease)).Select(e => e.Turn.Id));
        await Journal.ReleaseAsync(a1.Id, "sweeper", Time.GetUtcNow().AddMinutes(5), "HTTP 503");
        await Journal.ReleaseAsync(a2.Id, "sweeper", Time.GetUtcNow(), "", chargeRetry: false);
        await Journal.ReleaseAsync(b1.Id, "sweeper", Time.GetUtcNow(), "", chargeRetry: false);

        Assert.Equal([b1.Id], (await Journal.ClaimDueAsync(10, "sweeper", Lease)).Select(e => e.Turn.Id));
        await Journal.MarkSyncedAsync(b1.Id, "sweeper", null);
        Assert.Null(await Journal.TryClaimAsync(a2.Id, "worker", Lease));
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([a1.Id, a2.Id], (await Journal.ClaimDueAsync(10, "sweeper", Lease)).Select(e => e.Turn.Id));
    }

    [Fact]
    public async Task A_fresh_untried_turn_is_left_to_the_real_time_worker_for_the_grace_period()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);
        var grace = TimeSpan.FromSeconds(30);
        Assert.Empty(await Journal.ClaimDueAsync(10, "sweeper", Lease, grace));
        Assert.NotNull(await Journal.TryClaimAsync(turn.Id, "worker", Lease));
        await Journal.ReleaseAsync(turn.Id, "worker", Time.GetUtcNow(), "HTTP 503");
        Assert.Single(await Journal.ClaimDueAsync(10, "sweeper", Lease, grace));
    }

    [Fact]
    public async Task An_expired_lease_lets_another_owner_take_the_turn_and_the_first_can_no_longer_settle_it()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);
        Assert.NotNull(await Journal.TryClaimAsync(turn.Id, "dead-process", Lease));
        Assert.Null(await Journal.TryClaimAsync(turn.Id, "sweeper", Lease));

        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(turn.Id, Assert.Single(await Journal.ClaimDueAsync(10, "sweeper", Lease)).Turn.Id);
        Assert.False(await Journal.MarkSyncedAsync(turn.Id, "dead-process", Guid.NewGuid()));
        Assert.True(await Journal.MarkSyncedAsync(turn.Id, "sweeper", null));
    }

    [Fact]
    public async Task A_synced_turn_keeps_its_blob_id_and_is_never_claimed_again()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);
        await Journal.TryClaimAsync(turn.Id, "w", Lease);
        var blob = Guid.NewGuid();
        Assert.True(await Journal.MarkSyncedAsync(turn.Id, "w", blob));

        var entry = (await Journal.GetAsync(turn.Id))!;
        Assert.Equal((TurnState.Synced, (Guid?)blob, (DateTimeOffset?)Time.GetUtcNow()), (entry.State, entry.BlobId, entry.SyncedAt));
        Assert.Null(await Journal.TryClaimAsync(turn.Id, "w", Lease));
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await Journal.ClaimDueAsync(10, "w", Lease));
    }

    [Fact]
    public async Task A_released_turn_counts_the_retry_and_waits_for_its_next_attempt()
    {
        var turn = NewTurn();
        await Journal.AppendAsync(turn);
        await Journal.TryClaimAsync(turn.Id, "w", Lease);
        Assert.True(await Journal.ReleaseAsync(turn.Id, "w", Time.GetUtcNow().AddMinutes(5), "HTTP 503"));

        var entry = (await Journal.GetAsync(turn.Id))!;
        Assert.Equal((1, "HTTP 503", (DateTimeOffset?)null), (entry.RetryCount, entry.LastError, entry.LeaseUntil));
        Assert.Empty(await Journal.ClaimDueAsync(10, "w", Lease));
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Single(await Journal.ClaimDueAsync(10, "w", Lease));
        Assert.True(await Journal.ReleaseAsync(turn.Id, "w", Time.GetUtcNow(), "token rejected", chargeRetry: false));
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
            await Journal.TryClaimAsync(t.Id, "w", Lease);
            await Journal.ReleaseAsync(t.Id, "w", Time.GetUtcNow(), "HTTP 500");
            await Journal.TryClaimAsync(t.Id, "w", Lease);
            Assert.True(await Journal.MarkDeadAsync(t.Id, "w", "Unable to parse blob"));
        }
        Assert.Equal(2, (await Journal.ListAsync(TurnState.Dead, 10)).Count);
        Assert.Empty(await Journal.ClaimDueAsync(10, "w", Lease));

        Assert.True(await Journal.RequeueAsync(a.Id));
        Assert.Equal((TurnState.Pending, 0), ((await Journal.GetAsync(a.Id))!.State, (await Journal.GetAsync(a.Id))!.RetryCount));
        Assert.Equal(1, await Journal.RequeueDeadAsync());
        Assert.Equal(2, (await Journal.ClaimDueAsync(10, "w", Lease)).Count);
        Assert.False(await Journal.RequeueAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Status_counts_by_state_and_user_with_the_oldest_pending_and_recent_errors()
    {
        var synced = NewTurn("alice");
        var oldest = NewTurn("alice");
        var failing = NewTurn("bob");
        await Journal.AppendManyAsync([synced, oldest, failing]);
        await Journal.TryClaimAsync(synced.Id, "w", Lease);
        await Journal.MarkSyncedAsync(synced.Id, "w", null);
        await Journal.TryClaimAsync(failing.Id, "w", Lease);
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
        await Journal.TryClaimAsync(old.Id, "w", Lease);
        await Journal.MarkSyncedAsync(old.Id, "w", null);
        Time.Advance(TimeSpan.FromDays(8));
        await Journal.TryClaimAsync(recent.Id, "w", Lease);
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
            await Journal.TryClaimAsync(turn.Id, "w", Lease);
            await Journal.MarkSyncedAsync(turn.Id, "w", null);
            Time.Advance(TimeSpan.FromMinutes(1));
        }
        await Journal.TryClaimAsync(dead.Id, "w", Lease);
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
        Assert.Empty(await Journal.ClaimDueAsync(10, "w", Lease));
        Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(pending.Id, Assert.Single(await Journal.ClaimDueAsync(10, "w", Lease)).Turn.Id);
    }
}
