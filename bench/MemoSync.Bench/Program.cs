using MemoSync.Bench;
using MemoSync.TestSupport.Chaos;

string Postgres(string script) => Environment.GetEnvironmentVariable("MEMOSYNC_BENCH_POSTGRES")
    ?? throw new InvalidOperationException($"MEMOSYNC_BENCH_POSTGRES is not set: run it through bash bench/{script}");

// dotnet run -c Release --project bench/MemoSync.Bench -- cluster [runs]   (PostgreSQL from MEMOSYNC_BENCH_POSTGRES; see bench/cluster)
if (args is ["cluster", ..])
{
    await new ClusterBenchmark(Postgres("cluster"), args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3, Console.Out).RunAsync();
    return 0;
}

// dotnet run -c Release --project bench/MemoSync.Bench -- chaos [minutes] [seed]   (PostgreSQL from MEMOSYNC_BENCH_POSTGRES; see bench/chaos)
// Exits 1 when a turn was lost, duplicated beyond the lost answers, left dead or pending, or a process stopped silently.
if (args is ["chaos", ..])
{
    var minutes = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
    var seed = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : Environment.TickCount;
    var outcomes = await ChaosSoak.RunBothAsync(Postgres("chaos"), TimeSpan.FromMinutes(minutes), seed, Console.Out);
    ChaosTable.Print(outcomes, Console.Out);
    return outcomes.Any(o => o.Problems().Count > 0) ? 1 : 0;
}

// dotnet run -c Release --project bench/MemoSync.Bench -- memory [turns]
if (args is ["memory", ..])
{
    return await new MemoryRetrievalBenchmark(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000, Console.Out).RunAsync();
}

// dotnet run -c Release --project bench/MemoSync.Bench -- follow [runs] [directory]
if (args is ["follow", ..])
{
    await new FollowBenchmark(args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "memosync-bench-follow"),
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3, Console.Out).RunAsync();
    return 0;
}

// dotnet run -c Release --project bench/MemoSync.Bench -- dashboard [runs] [native]
if (args is ["dashboard", ..])
{
    await new DashboardBenchmark(Path.Combine(Path.GetTempPath(), "memosync-bench-dashboard"),
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3, args is [_, _, "native", ..], Console.Out).RunAsync();
    return 0;
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
