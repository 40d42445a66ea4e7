using MemoSync.TestSupport.Chaos;
using Xunit.Abstractions;

namespace MemoSync.Postgres.Tests;

/// <summary>
/// The chaos soak of bench/ (<c>bench/chaos</c>), short: a minute of faults, SIGKILLed daemons and a locked journal,
/// half on SQLite with one daemon, half on PostgreSQL with two.
/// </summary>
[Collection(nameof(ServerWideTests))]
public sealed class ChaosSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Through_a_minute_of_chaos_no_recorded_turn_is_lost_duplicates_stay_within_lost_answers_and_nothing_stops_silently()
    {
        var table = new StringWriter();
        var outcomes = await ChaosSoak.RunBothAsync(TestPostgres.ConnectionString, TimeSpan.FromMinutes(1), Environment.TickCount, table);
        ChaosTable.Print(outcomes, table);
        output.WriteLine(table.ToString());

        Assert.Empty(outcomes.SelectMany(o => o.Problems()));
        // The chaos happened: turns were recorded and at least one daemon was killed in each half.
        Assert.All(outcomes, o => Assert.True(o.Recorded > 0 && o.Seen.Kills > 0 && o.Seen.Stats.FaultsInjected > 0, $"{o.Seen.Journal}: too little chaos"));
    }
}
