using MemoSync.Bench;

// dotnet run -c Release --project bench/MemoSync.Bench -- cluster [runs]   (PostgreSQL from MEMOSYNC_BENCH_POSTGRES; see bench/cluster)
if (args is ["cluster", ..])
{
    var postgres = Environment.GetEnvironmentVariable("MEMOSYNC_BENCH_POSTGRES")
        ?? throw new InvalidOperationException("MEMOSYNC_BENCH_POSTGRES is not set: run the cluster benchmark through bash bench/cluster");
    await new ClusterBenchmark(postgres, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3, Console.Out).RunAsync();
    return 0;
}

// dotnet run -c Release --project bench/MemoSync.Bench -- memory [turns]
if (args is ["memory", ..])
{
    return await new MemoryRetrievalBenchmark(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000, Console.Out).RunAsync();
}

// dotnet run -c Release --project bench/MemoSync.Bench -- delivery [runs] [directory]
if (args is ["delivery", ..])
{
    await new DeliveryBenchmark(args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "memosync-bench-delivery"),
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3, Console.Out).RunAsync();
    return 0;
}

// dotnet run -c Release --project bench/MemoSync.Bench -- [runs] [directory]
var runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
var directory = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "memosync-bench");
await new JournalBenchmark(directory, runs, Console.Out).RunAsync();
return 0;
