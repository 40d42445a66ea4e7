using MemoSync.Cli;
using MemoSync.Cli.Configuration;

var settings = new CliSettings();
var parsed = MemoSyncCommand.Create(settings).Parse(args);
if (parsed.Errors.Count > 0)
{
    return await ParseErrorReport.WriteAsync(parsed);
}
try
{
    // On SIGINT or SIGTERM the daemon and record drain the worker (10 s at most) and print their statistics: give them the time.
    return await parsed.InvokeAsync(new() { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
}
catch (Exception e)
{
    return await ErrorReport.WriteAsync(e, parsed.GetValue(settings.Verbose));
}
