using System.Diagnostics;
using MemoSync.Journal;
using MemoSync.Memobase.Models;

namespace MemoSync.Tests.Journal;

/// <summary>The SQLite journal's file: its mode, group commit, and what happens when the file or the disk is bad.</summary>
public sealed class SqliteJournalFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static Turn NewTurn(string said = "hello") =>
        Turn.Create("alice", null, [new(ChatMessage.UserRole, said), new(ChatMessage.AssistantRole, "hi")], TimeProvider.System);

    [Fact]
    public async Task The_file_and_its_WAL_are_readable_and_writable_by_the_owner_only()
    {
        var path = _dir.File("data/memosync.db");
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = path });
        await journal.AppendAsync(NewTurn());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + "-wal"));
    }

    [Fact]
    public async Task Concurrent_appends_share_commits()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
        await Task.WhenAll(Enumerable.Range(0, 256).Select(i => Task.Run(() => journal.AppendAsync(NewTurn($"turn {i}")))));
        Assert.Equal(256, (await journal.GetStatusAsync()).Pending);
        Assert.True(journal.Commits < 256, $"{journal.Commits} commits for 256 concurrent appends");
    }

    [Fact]
    public async Task Claims_and_outcomes_share_commits_with_appends_and_a_write_that_fails_on_its_own_fails_alone()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
        var first = Enumerable.Range(0, 64).Select(i => Turn.Create($"user-{i}", null, [new(ChatMessage.UserRole, $"turn {i}")], TimeProvider.System)).ToList();
        await journal.AppendManyAsync(first);
        var (delivered, waiting) = (first[..32], first[32..]);
        Assert.Equal(delivered.Select(t => t.Id), (await journal.ClaimDueAsync(32, new TurnLease("worker", TimeSpan.FromMinutes(1)))).Turns.Select(e => e.Turn.Id));
        var before = journal.Commits;
        // An import of a turn whose id the journal holds breaks a constraint: its own failure, amid everyone else's writes.
        var clash = new ImportedTurn(first[0], Synced: false, RetryCount: 0, ContentHash: "clash");

        var claims = waiting.Select(_ => Task.Run(async () => (await journal.ClaimDueAsync(1, new TurnLease("worker", TimeSpan.FromMinutes(1)))).Turns)).ToList();
        var outcomes = delivered.Select(t => Task.Run(() => journal.MarkSyncedAsync(t.Id, "worker", null))).ToList();
        var import = Task.Run(() => journal.ImportAsync([clash]));
        var appends = Enumerable.Range(0, 64).Select(i => Task.Run(() => journal.AppendAsync(NewTurn($"more {i}")))).ToList();

        var e = await Assert.ThrowsAsync<JournalUnavailableException>(() => import);
        Assert.Contains("could not import", e.Message, StringComparison.Ordinal);
        await Task.WhenAll(appends);
        Assert.Equal(waiting.Select(t => t.Id).Order(), (await Task.WhenAll(claims)).SelectMany(c => c).Select(e => e.Turn.Id).Order());
        Assert.All(await Task.WhenAll(outcomes), Assert.True);
        var status = await journal.GetStatusAsync();
        Assert.Equal((96L, 32L), (status.Pending, status.Synced));
        Assert.True(journal.Commits - before < 161, $"{journal.Commits - before} commits for 161 concurrent writes");
        // Nothing of the failed import stayed: its line's hash is free, so the same line with a new turn is added.
        Assert.Equal(1, await journal.ImportAsync([clash with { Turn = NewTurn("imported") }]));
    }

    [Fact]
    public async Task An_append_that_was_cancelled_is_never_recorded_and_one_that_returned_always_is()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
        // Every other caller gives up at once, the rest within a few milliseconds: some while queued, some mid-commit.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
        {
            var turn = NewTurn($"turn {i}");
            using var cts = new CancellationTokenSource();
            if (i % 2 == 0)
            {
                await cts.CancelAsync();
            }
            else
            {
                cts.CancelAfter(TimeSpan.FromMilliseconds(i % 3));
            }
            try
            {
                await journal.AppendAsync(turn, cts.Token);
                return (turn.Id, Recorded: true);
            }
            catch (OperationCanceledException)
            {
                return (turn.Id, Recorded: false);
            }
        })));

        foreach (var (id, recorded) in outcomes)
        {
            Assert.Equal(recorded, await journal.GetAsync(id) is not null);
        }
        Assert.Contains(outcomes, o => o.Recorded);
        Assert.Contains(outcomes, o => !o.Recorded);
    }

    [Fact]
    public void A_file_that_is_not_SQLite_gives_a_clear_error_and_is_left_untouched()
    {
        var path = _dir.File("memosync.db");
        var content = "{\"messages\": [], \"synced\": false}\n"u8.ToArray().Concat(new byte[4096]).ToArray();
        File.WriteAllBytes(path, content);

        var e = Assert.Throws<JournalUnavailableException>(() => SqliteJournal.Open(new SqliteJournalOptions { Path = path }));

        Assert.Contains("not a SQLite database", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task A_corrupted_database_gives_a_clear_error_and_is_not_overwritten()
    {
        var path = _dir.File("memosync.db");
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = path }))
        {
            await journal.AppendManyAsync(Enumerable.Range(0, 500).Select(i => NewTurn($"turn {i} " + new string('x', 200))).ToList());
        }
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            // Pages after the first hold the schema's tables and the turns; garbage there is corruption SQLite detects on read.
            file.Position = 4096;
            file.Write(Enumerable.Repeat((byte)0xA5, 4096 * 8).ToArray());
        }
        var damaged = File.ReadAllBytes(path);

        var e = await Assert.ThrowsAsync<JournalUnavailableException>(async () =>
        {
            await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = path });
            await journal.ListAsync(null, int.MaxValue);
        });

        Assert.Contains("corrupted", e.Message, StringComparison.Ordinal);
        Assert.Equal(damaged, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task A_full_disk_fails_the_append_clearly_and_the_turn_is_not_recorded()
    {
        using var disk = TmpfsMount.Create(_dir.File("small-disk"), sizeKiB: 256);
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = Path.Combine(disk.Path, "memosync.db") });
        var recorded = 0;
        var e = await Assert.ThrowsAsync<JournalUnavailableException>(async () =>
        {
            while (true)
            {
                await journal.AppendAsync(NewTurn(new string('x', 4000)));
                recorded++;
            }
        });
        Assert.Contains("disk is full", e.Message, StringComparison.Ordinal);
        Assert.True(recorded > 0);
    }

    [Fact]
    public async Task A_journal_on_a_read_only_disk_is_refused_clearly_before_any_turn_is_taken()
    {
        using var disk = TmpfsMount.Create(_dir.File("ro-disk"), sizeKiB: 4096);
        var path = Path.Combine(disk.Path, "memosync.db");
        await using (var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = path }))
        {
            await journal.AppendAsync(NewTurn());
        }
        disk.RemountReadOnly();

        var e = Assert.Throws<JournalUnavailableException>(() => SqliteJournal.Open(new SqliteJournalOptions { Path = path }));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains("read-only", StringComparison.Ordinal), e.Message);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A small tmpfs, so a full or read-only disk is real and not simulated.</summary>
    private sealed class TmpfsMount : IDisposable
    {
        private TmpfsMount(string path) => Path = path;

        public string Path { get; }

        public static TmpfsMount Create(string path, int sizeKiB)
        {
            Directory.CreateDirectory(path);
            Run("mount", "-t", "tmpfs", "-o", $"size={sizeKiB}k", "tmpfs", path);
            return new TmpfsMount(path);
        }

        public void RemountReadOnly() => Run("mount", "-o", "remount,ro", Path);

        public void Dispose() => Run("umount", "-l", Path);

        private static void Run(string command, params string[] args)
        {
            using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed (the tests need root to mount a tmpfs): {error}");
            }
        }
    }
}
