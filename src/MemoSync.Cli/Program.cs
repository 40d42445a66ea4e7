using MemoSync.Cli;

return await MemoSyncCommand.Create().Parse(args).InvokeAsync();
