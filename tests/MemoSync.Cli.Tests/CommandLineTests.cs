namespace MemoSync.Cli.Tests;

/// <summary>What <c>memosync</c> says about its own command line: its name in help, and a value it cannot use.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-cli-").FullName;

    [Fact]
    public async Task Help_names_the_command_memosync()
    {
        var run = await CliRun.InAsync(_dir, new(), "", "--help");

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("Usage:\n  memosync [command] [options]", run.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("MemoSync.Cli", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_kind_is_one_sentence_naming_the_option_and_the_value_with_exit_2()
    {
        var run = await CliRun.InAsync(_dir, new(), "", "run", "--sync-interval", "soon");

        Assert.Equal(2, run.Code);
        Assert.Equal(["memosync: --sync-interval 'soon' cannot be used: it must be a whole number.", "memosync: 'memosync --help' lists the commands and their options."],
            run.ErrorLines);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("run", "--metrics-port", "abc", "a whole number")]
    [InlineData("run", "--log-keep", "x", "a whole number")]
    [InlineData("run", "--log-max-bytes", "lots", "a whole number")]
    [InlineData("emulator", "--http500-rate", "abc", "a number, such as 1.5")]
    [InlineData("emulator", "--seed", "x", "a whole number")]
    public async Task A_value_that_an_option_s_own_check_would_read_is_one_sentence_too(string command, string option, string value, string kind)
    {
        var run = await CliRun.InAsync(_dir, new(), "", command, option, value);

        Assert.Equal(2, run.Code);
        Assert.Equal($"memosync: {option} '{value}' cannot be used: it must be {kind}.", run.ErrorLines[0]);
    }

    [Fact]
    public async Task A_state_that_does_not_exist_names_the_states_there_are()
    {
        var run = await CliRun.InAsync(_dir, new(), "", "export", "--state", "lost");

        Assert.Equal(2, run.Code);
        Assert.Equal("memosync: --state 'lost' cannot be used: it must be one of pending, synced, dead.", run.ErrorLines[0]);
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
