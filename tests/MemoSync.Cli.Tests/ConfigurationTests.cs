using MemoSync.Journal;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary>Where <c>memosync</c> takes its settings from, and which source wins, seen through <c>health</c> in a folder of its own.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private const string Dead = "http://127.0.0.1:1/";
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-config-").FullName;

    private Task<CliRun> Health(Dictionary<string, string> environment, params string[] flags) =>
        CliRun.InAsync(_dir, environment, "", ["health", .. flags]);

    /// <summary>
    /// Creates these journals in the test's folder: health reads a journal and never creates one, so each exists, and
    /// which one it names says which setting won.
    /// </summary>
    private async Task CreateJournalsAsync(params string[] files)
    {
        foreach (var file in files)
        {
            await SqliteJournal.Open(new SqliteJournalOptions { Path = Path.Combine(_dir, file) }).DisposeAsync();
        }
    }

    [Fact]
    public async Task Settings_come_from_appsettings_json_then_dotenv_then_the_environment_then_flags()
    {
        await using var server = await RunningEmulator.StartAsync();
        var url = server.Emulator.BaseAddress.ToString();
        await File.WriteAllTextAsync(Path.Combine(_dir, "appsettings.json"), $$"""{ "MEMOBASE_URL": "{{Dead}}", "MEMOSYNC_JOURNAL": "from-appsettings.db" }""");
        await File.WriteAllTextAsync(Path.Combine(_dir, ".env"), $"""
            # the guide's .env
            MEMOBASE_URL={url}  # the emulator
            export MEMOBASE_TOKEN="{RunningEmulator.Token}"
            """);
        await CreateJournalsAsync("from-appsettings.db", "from-flag.db");

        var fromFiles = await Health([]);
        Assert.True(fromFiles.Code == 0, fromFiles.ToString());
        Assert.Contains($"journal: ok ({Path.Combine(_dir, "from-appsettings.db")}", fromFiles.Out, StringComparison.Ordinal);

        var environmentOverDotEnv = await Health(new() { ["MEMOBASE_URL"] = Dead });
        Assert.True(environmentOverDotEnv.Code == 3, environmentOverDotEnv.ToString());

        var flagOverEnvironment = await Health(new() { ["MEMOBASE_URL"] = Dead }, "--url", url, "--journal", "from-flag.db");
        Assert.True(flagOverEnvironment.Code == 0, flagOverEnvironment.ToString());
        Assert.Contains($"journal: ok ({Path.Combine(_dir, "from-flag.db")}", flagOverEnvironment.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_MemoSync_section_in_appsettings_json_configures_the_command_and_the_guide_s_names_win_over_it()
    {
        await using var server = await RunningEmulator.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(_dir, "appsettings.json"), $$"""
            { "MemoSync": { "MemobaseUrl": "{{server.Emulator.BaseAddress}}", "MemobaseToken": "{{RunningEmulator.Token}}", "Journal": "sqlite:from-section.db" } }
            """);
        await CreateJournalsAsync("from-section.db", "from-flat-name.db");

        var fromSection = await Health([]);
        var flatNameOverSection = await Health(new() { ["MEMOSYNC_JOURNAL"] = "from-flat-name.db" });

        Assert.True(fromSection.Code == 0, fromSection.ToString());
        Assert.Contains($"journal: ok ({Path.Combine(_dir, "from-section.db")}", fromSection.Out, StringComparison.Ordinal);
        Assert.True(flatNameOverSection.Code == 0, flatNameOverSection.ToString());
        Assert.Contains($"journal: ok ({Path.Combine(_dir, "from-flat-name.db")}", flatNameOverSection.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dotenv_line_that_is_not_NAME_VALUE_is_named_by_its_number_without_its_text()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, ".env"), "MEMOBASE_URL=http://localhost:8019/\nsecret-token-pasted-alone\n");

        var run = await Health([]);

        Assert.Equal(2, run.Code);
        Assert.Contains(".env line 2 is not NAME=VALUE", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-pasted-alone", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sync_interval_that_is_not_a_number_of_seconds_stops_the_daemon_naming_the_setting()
    {
        var run = await CliRun.InAsync(_dir, new() { ["MEMOBASE_TOKEN"] = "t", ["MEMOBASE_SYNC_INTERVAL"] = "5m" }, "", "run");

        Assert.Equal(2, run.Code);
        Assert.Contains("MEMOBASE_SYNC_INTERVAL must be a positive whole number of seconds, got '5m'", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sync_interval_past_a_day_stops_the_daemon_naming_the_setting_its_value_and_the_range()
    {
        var run = await CliRun.InAsync(_dir, new() { ["MEMOBASE_TOKEN"] = "t", ["MEMOBASE_SYNC_INTERVAL"] = "5000000" }, "", "run");

        Assert.Equal(2, run.Code);
        Assert.Contains("MEMOBASE_SYNC_INTERVAL must be more than 0 and at most 86400 seconds, got 5000000.", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "data", "memosync.db")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
