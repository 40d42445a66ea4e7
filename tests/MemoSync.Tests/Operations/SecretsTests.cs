using MemoSync.Hosting;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Realtime;

namespace MemoSync.Tests.Operations;

/// <summary>Types that hold a password or an API key never print it: not in ToString, not in the exceptions they throw.</summary>
public sealed class SecretsTests
{
    private const string Secret = "s3cret-Pa55";

    [Theory]
    [InlineData("postgres://memo:" + Secret + "@db.example:5433/memosync?schema=sync")]
    [InlineData("postgresql://memo:" + Secret + "@db.example/memosync")]
    [InlineData("postgres:Host=db.example;Username=memo;Password=" + Secret + ";Database=memosync")]
    public void A_PostgreSQL_location_prints_its_server_and_database_never_its_password(string location)
    {
        var parsed = JournalLocation.Parse(location);
        var options = parsed.Postgres!;

        Assert.Contains(Secret, options.ConnectionString, StringComparison.Ordinal);
        foreach (var printed in new[] { options.ToString(), parsed.ToString(), $"{options}", $"{new { options }}", PostgresJournal.Describe(options) })
        {
            Assert.DoesNotContain(Secret, printed, StringComparison.Ordinal);
            Assert.Contains("db.example", printed, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Host=db.example;Password=" + Secret + ";Port=not-a-port")]
    [InlineData("Host=db.example;Password=" + Secret + ";Bogus=1")]
    [InlineData("postgres://memo:" + Secret + "@db.example/memosync?Port=not-a-port")]
    [InlineData("postgres://memo:" + Secret + "@db.example/memosync?Bogus=1")]
    [InlineData("postgres://memo:" + Secret + "@/memosync")]
    public void A_PostgreSQL_location_that_cannot_be_read_is_refused_without_its_password(string location)
    {
        var refused = Assert.ThrowsAny<ArgumentException>(() => PostgresJournalOptions.FromLocation(location));
        Assert.DoesNotContain(Secret, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Realtime_options_print_whether_a_key_is_set_never_the_key()
    {
        var options = new RealtimeOptions { Endpoint = new Uri($"wss://user:{Secret}@api.example/v1/realtime?api-key={Secret}"), ApiKey = "sk-" + Secret };

        var printed = options.ToString();

        Assert.DoesNotContain(Secret, printed, StringComparison.Ordinal);
        Assert.Contains("ApiKey = (set)", printed, StringComparison.Ordinal);
        Assert.Contains("wss://api.example/v1/realtime", printed, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, (options with { Model = "" }).Validate() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void The_Memobase_token_is_never_printed_by_the_options_that_hold_it()
    {
        var client = new MemobaseClientOptions { Token = Secret };
        var sync = new MemoSyncOptions { MemobaseToken = Secret };

        Assert.DoesNotContain(Secret, client.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, sync.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, new MemobaseClientOptions { Token = Secret + "\n" }.Validate() ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, new MemobaseClientOptions { Token = Secret, BaseUrl = "nope" }.Validate() ?? "", StringComparison.Ordinal);
    }
}
