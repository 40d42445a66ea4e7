using MemoSync.Hosting;
using MemoSync.Journal;
using MemoSync.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace MemoSync.Postgres.Tests;

/// <summary>An application wired by <c>AddMemoSync</c> whose setting or code names a PostgreSQL journal, as a real host against the emulator.</summary>
public sealed class AddMemoSyncPostgresTests : SchemaTest
{
    /// <summary>The test server as a user writes it in <c>MEMOSYNC_JOURNAL</c>: a <c>postgres://</c> URL.</summary>
    private string Url()
    {
        var cs = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString);
        var password = cs.Password is { } pw ? ":" + Uri.EscapeDataString(pw) : "";
        return $"postgres://{Uri.EscapeDataString(cs.Username!)}{password}@{cs.Host}:{cs.Port}/{cs.Database}?schema={Schema}";
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public async Task A_postgres_journal_named_by_the_setting_or_in_code_is_used_whichever_is_registered_first(bool postgresFirst, bool inCode)
    {
        await using var server = await RunningEmulator.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString(),
            ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
            ["MEMOSYNC_JOURNAL"] = inCode ? null : Url(),
        });
        if (postgresFirst)
        {
            builder.Services.AddMemoSyncPostgres();
        }
        builder.Services.AddMemoSync(builder.Configuration, inCode ? o => o.UsePostgres(Url()) : null);
        if (!postgresFirst)
        {
            builder.Services.AddMemoSyncPostgres();
        }
        using var host = builder.Build();

        await HostedTurn.RecordOneAsync(host);

        Assert.IsType<PostgresJournal>(host.Services.GetRequiredService<IDialogueJournal>());
        Assert.Equal(1L, server.Emulator.GetStats().BlobsReceived);
        await using var journal = PostgresJournal.Open(TestPostgres.Options(Schema));
        Assert.Equal(1, (await journal.GetStatusAsync()).Synced);
    }

    [Fact]
    public async Task A_postgres_url_that_cannot_be_read_stops_the_start_naming_the_setting_without_the_password()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MEMOBASE_TOKEN"] = "t", ["MEMOSYNC_JOURNAL"] = "postgres://u:secret@127.0.0.1/db?nonsense=1",
        });
        builder.Services.AddMemoSync(builder.Configuration).AddMemoSyncPostgres();
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(e.Failures);
        Assert.StartsWith("MEMOSYNC_JOURNAL: The PostgreSQL URL has a setting Npgsql does not take: 'nonsense'", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", failure, StringComparison.Ordinal);
    }
}
