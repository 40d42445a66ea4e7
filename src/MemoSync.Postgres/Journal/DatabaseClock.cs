using System.Diagnostics;
using Npgsql;

namespace MemoSync.Journal;

/// <summary>
/// The database server's clock, read through this host's: the offset between them is measured once, when the journal
/// opens. Leases and backoff in a journal shared by many hosts are then counted on one clock, whatever each host's says.
/// </summary>
internal sealed class DatabaseClock(TimeSpan offset) : TimeProvider
{
    /// <summary>The offset from this host's clock to the database's, halfway through one round trip.</summary>
    public static DatabaseClock Read(NpgsqlDataSource source)
    {
        using var command = source.CreateCommand("SELECT clock_timestamp()");
        var sent = Stopwatch.GetTimestamp();
        var before = System.GetUtcNow();
        var server = (DateTime)command.ExecuteScalar()!;
        var roundTrip = Stopwatch.GetElapsedTime(sent);
        return new DatabaseClock(new DateTimeOffset(server, TimeSpan.Zero) - (before + roundTrip / 2));
    }

    /// <summary>How far the database's clock is ahead of this host's.</summary>
    public TimeSpan Offset => offset;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
