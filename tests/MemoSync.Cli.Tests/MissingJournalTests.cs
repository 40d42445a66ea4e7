namespace MemoSync.Cli.Tests;

/// <summary>Commands that only read or repair the journal, run where there is none: they say so, naming the path, and create nothing.</summary>
public sealed class MissingJournalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-nojournal-").FullName;

    private string Expected => $"memosync: there is no journal at {Path.Combine(_dir, "data", "memosync.db")}: nothing was recorded there yet, or MEMOSYNC_JOURNAL (--journal) should name another";

    [Theory]
    [InlineData("status")]
    [InlineData("status", "--check")]
    [InlineData("status", "--json")]
    [InlineData("export")]
    [InlineData("requeue")]
    [InlineData("purge")]
    [InlineData("purge", "--dry-run")]
    public async Task A_command_that_reads_the_journal_says_there_is_none_with_exit_5_and_creates_nothing(params string[] args)
    {
        var run = await CliRun.InAsync(_dir, new(), "", args);

        Assert.Equal(5, run.Code);
        Assert.Equal([Expected], run.ErrorLines);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Health_says_there_is_no_journal_and_creates_none()
    {
        var environment = new Dictionary<string, string> { ["MEMOBASE_URL"] = "http://127.0.0.1:9/", ["MEMOBASE_TOKEN"] = "secret" };

        var run = await CliRun.InAsync(_dir, environment, "", "health");

        Assert.Equal(3, run.Code);
        Assert.Contains("journal: " + Expected["memosync: ".Length..], run.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
