using MemoSync.Cli;
using MemoSync.Journal;

try
{
    return await MemoSyncCommand.Create().Parse(args).InvokeAsync(new() { EnableDefaultExceptionHandler = false });
}
catch (JournalUnavailableException e)
{
    // An expected failure of the environment: say what and where, without a stack trace.
    await Console.Error.WriteLineAsync($"memosync: {e.Message}");
    return 1;
}
