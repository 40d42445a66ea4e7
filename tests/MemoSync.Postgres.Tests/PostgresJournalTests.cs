using System.Collections.Concurrent;
using MemoSync.Journal;
using MemoSync.Memobase.Models;
using Npgsql;

namespace MemoSync.Postgres.Tests;

/// <summary>What only the PostgreSQL journal has: its schema version, group commit on a server, claims from many hosts at once.</summary>
public sealed class PostgresJournalTests : SchemaTest
{
    private static Turn NewTurn(string user, int i) =>
        Turn.Create(user, null, [new(ChatMessage.UserRole, $"turn {i}"), new(ChatMessage.AssistantRole, "ok")], TimeProvider.System);

    private static async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Opening_creates_the_schema_at_the_current_version_and_a_newer_version_is_refused_untouched()
    {
        await (await Task.Run(() => PostgresJournal.Open(TestPostgres.Options(Schema)))).DisposeAsync();
        Assert.Equal(PostgresJournal.SchemaVersion, await ScalarAsync($"SELECT max(version) FROM \"{Schema}\".schema_version"));
        Assert.Equal((PostgresJournal.SchemaVersion, PostgresJournal.SchemaVersion), await PostgresJournal.MigrateAsync(TestPostgres.Options(Schema)));

        await ScalarAsync($"INSERT INTO \"{Schema}\".schema_version (version) VALUES ({PostgresJournal.SchemaVersion + 1})");
        var e = Assert.Throws<JournalUnavailableException>(() => PostgresJournal.Open(TestPostgres.Options(Schema)));
        Assert.Contains($"schema version {PostgresJournal.SchemaVersion + 1}, newer than this MemoSync knows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_migrations_at_start_a_journal_missing_its_schema_is_refused_naming_memosync_migrate()
    {
        var e = Assert.Throws<JournalUnavailableException>(() => PostgresJournal.Open(TestPostgres.Options(Schema) with { Migrate = false }));
        Assert.Contains("there is no journal", e.Message, StringComparison.Ordinal);
        Assert.Contains("run memosync migrate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_an_existing_journal_where_there_is_none_creates_no_schema()
    {
        var location = JournalLocation.Parse(TestPostgres.Location(Schema));

        var e = Assert.Throws<JournalUnavailableException>(() => location.OpenExisting());

        Assert.Contains("there is no journal", e.Message, StringComparison.Ordinal);
        Assert.Equal(false, await ScalarAsync($"SELECT to_regnamespace('{Schema}') IS NOT NULL"));
    }

    [Fact]
    public void An_unreachable_server_is_reported_with_where_it_was_looked_for_and_never_the_password()
    {
        var options = PostgresJournalOptions.FromLocation("postgres://memosync:s3cret-pw@127.0.0.1:1/journal?Timeout=2");
        var e = Assert.Throws<JournalUnavailableException>(() => PostgresJournal.Open(options));
        Assert.Contains("postgres://memosync@127.0.0.1:1/journal", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sixty_four_concurrent_writers_share_commits_and_every_turn_is_recorded()
    {
        await using var journal = PostgresJournal.Open(TestPostgres.Options(Schema));
        await Task.WhenAll(Enumerable.Range(0, 64).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await journal.AppendAsync(NewTurn($"writer-{w}", i));
            }
        })));
        Assert.Equal(640, (await journal.GetStatusAsync()).Pending);
        Assert.True(journal.Commits < 640, $"{journal.Commits} commits for 640 appends: no commit was shared");
    }

    [Fact]
    public async Task Concurrent_leased_appends_share_commits_and_lease_each_users_turns_in_order_behind_a_plain_append()
    {
        await using var journal = PostgresJournal.Open(TestPostgres.Options(Schema));
        var lease = new TurnLease("engine-1", TimeSpan.FromMinutes(2));
        await journal.AppendAsync(NewTurn("writer-0", -1));
        var seqs = await Task.WhenAll(Enumerable.Range(0, 64).Select(w => Task.Run(async () =>
        {
            var leased = new List<long?>();
            for (var i = 0; i < 10; i++)
            {
                leased.Add(await journal.AppendLeasedAsync(NewTurn($"writer-{w}", i), lease));
            }
            return leased;
        })));

        Assert.True(journal.Commits < 641, $"{journal.Commits} commits for 641 appends: no commit was shared");
        // writer-0's first turn is nobody's: its later turns wait behind it, unleased; every other writer's turns are leased.
        Assert.All(seqs[0], Assert.Null);
        Assert.All(seqs.Skip(1).SelectMany(s => s), s => Assert.NotNull(s));
        var entries = await journal.ListAsync(TurnState.Pending, 1000);
        Assert.Equal(641, entries.Count);
        Assert.Equal(630, entries.Count(e => e.LeaseUntil is not null));
    }

    [Fact]
    public async Task Four_hosts_claiming_at_once_never_hold_turns_of_the_same_user_together_and_each_users_turns_are_settled_in_order()
    {
        const int users = 12, perUser = 15;
        var hosts = Enumerable.Range(0, 4).Select(_ => PostgresJournal.Open(TestPostgres.Options(Schema))).ToList();
        try
        {
            var appended = new Dictionary<string, List<Guid>>();
            for (var i = 0; i < perUser; i++)
            {
                var round = Enumerable.Range(0, users).Select(u => NewTurn($"user-{u}", i)).ToList();
                await hosts[i % hosts.Count].AppendManyAsync(round);
                round.ForEach(t => (appended.TryGetValue(t.UserId, out var l) ? l : appended[t.UserId] = []).Add(t.Id));
            }

            var holder = new ConcurrentDictionary<string, string>();
            var settled = new ConcurrentDictionary<string, ConcurrentQueue<Guid>>();
            var overlaps = new ConcurrentBag<string>();
            await Task.WhenAll(hosts.Select((journal, h) => Task.Run(async () =>
            {
                var owner = $"host-{h}";
                for (var idle = 0; idle < 20;)
                {
                    var batch = (await journal.ClaimDueAsync(7, new TurnLease(owner, TimeSpan.FromMinutes(5)))).Turns;
                    idle = batch.Count == 0 ? idle + 1 : 0;
                    foreach (var user in batch.Select(e => e.Turn.UserId).Distinct())
                    {
                        if (!holder.TryAdd(user, owner))
                        {
                            overlaps.Add($"{owner} claimed turns of {user} while {holder.GetValueOrDefault(user)} held some");
                        }
                    }
                    foreach (var entry in batch)
                    {
                        var user = entry.Turn.UserId;
                        settled.GetOrAdd(user, _ => new()).Enqueue(entry.Turn.Id);
                        if (entry == batch.Last(e => e.Turn.UserId == user))
                        {
                            // Let go of the user before the last turn's lease ends: from then on another host may take its next turns.
                            holder.TryRemove(user, out _);
                        }
                        await Task.Yield();
                        Assert.True(await journal.MarkSyncedAsync(entry.Turn.Id, owner, null));
                    }
                    if (batch.Count == 0)
                    {
                        await Task.Delay(5);
                    }
                }
            })));

            Assert.Empty(overlaps);
            Assert.Equal(users * perUser, (await hosts[0].GetStatusAsync()).Synced);
            Assert.All(appended, user => Assert.Equal(user.Value, settled[user.Key]));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }
}
