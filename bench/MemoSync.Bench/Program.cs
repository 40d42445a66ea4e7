using MemoSync.Bench;

// dotnet run -c Release --project bench/MemoSync.Bench -- memory [turns]
if (args is ["memory", ..])
{
    return await new MemoryRetrievalBenchmark(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000, Console.Out).RunAsync();
}

// dotnet run -c Release --project bench/MemoSync.Bench -- [runs] [directory]
var runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
var directory = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "memosync-bench");
await new JournalBenchmark(directory, runs, Console.Out).RunAsync();
return 0;
