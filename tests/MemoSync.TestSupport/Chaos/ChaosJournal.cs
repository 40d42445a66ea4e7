using MemoSync.Journal;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MemoSync.TestSupport.Chaos;

/// <summary>The journal a soak runs on: where the processes find it, how many daemons share it, and how another process locks it.</summary>
public abstract class ChaosJournal : IAsyncDisposable
{
    /// <summary>How the table names it.</summary>
    public abstract string Name { get; }

    /// <summary>The location, as <c>MEMOSYNC_JOURNAL</c> takes it.</summary>
    public abstract string Location { get; }

    /// <summary><c>memosync run</c> daemons delivering from it.</summary>
    public abstract int Daemons { get; }

    /// <summary>Creates its schema, so that the processes started at once do not race to.</summary>
    public Task CreateAsync() => JournalLocation.Parse(Location).MigrateAsync();

    /// <summary>Opens it to count what it holds.</summary>
    public IDialogueJournal Open() => JournalLocation.Parse(Location).Open();

    /// <summary>Holds it locked, as another process would, until <paramref name="locked"/> completes.</summary>
    public abstract Task HoldLockedAsync(Func<Task> locked);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}

/// <summary>A SQLite journal file in a folder of its own, removed at the end; one daemon, as on one host.</summary>
public sealed class SqliteChaosJournal : ChaosJournal
{
    private readonly string _directory = Directory.CreateTempSubdirectory("memosync-chaos-").FullName;

    public override string Name => "SQLite, 1 daemon";

    public override string Location => Path.Combine(_directory, "memosync.db");

    public override int Daemons => 1;

    /// <summary>An exclusive transaction: every other writer waits, past its busy timeout when the lock lasts longer.</summary>
    public override async Task HoldLockedAsync(Func<Task> locked)
    {
        await using var locker = new SqliteConnection($"Data Source={Location};Pooling=False");
        await locker.OpenAsync(CancellationToken.None);
        await using var begin = locker.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE";
        await begin.ExecuteNonQueryAsync(CancellationToken.None);
        await locked();
        await using var rollback = locker.CreateCommand();
        rollback.CommandText = "ROLLBACK";
        await rollback.ExecuteNonQueryAsync(CancellationToken.None);
    }

    public override ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A PostgreSQL journal in a fresh schema of <paramref name="connectionString"/>'s server, dropped at the end; two daemons, as on two hosts.</summary>
public sealed class PostgresChaosJournal(string connectionString) : ChaosJournal
{
    private readonly string _schema = $"chaos_{Guid.NewGuid():N}";

    public override string Name => "PostgreSQL, 2 daemons";

    public override string Location => "postgres:" + new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = _schema }.ConnectionString;

    public override int Daemons => 2;

    /// <summary>The turns table locked against every reader and writer: claims, marks and appends all wait.</summary>
    public override async Task HoldLockedAsync(Func<Task> locked)
    {
        await using var locker = new NpgsqlConnection(connectionString);
        await locker.OpenAsync(CancellationToken.None);
        await using var transaction = await locker.BeginTransactionAsync(CancellationToken.None);
        await using (var take = new NpgsqlCommand($"LOCK TABLE \"{_schema}\".turns IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await take.ExecuteNonQueryAsync(CancellationToken.None);
        }
        await locked();
        await transaction.RollbackAsync(CancellationToken.None);
    }

    public override async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
