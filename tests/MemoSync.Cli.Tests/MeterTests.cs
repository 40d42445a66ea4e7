namespace MemoSync.Cli.Tests;

/// <summary>
/// Tests that read the process's <c>MemoSync</c> meters, which every delivery engine of the process reports to: they run with
/// no other test of this project beside them, so the counts they read are their own.
/// </summary>
[CollectionDefinition(nameof(MeterTests), DisableParallelization = true)]
public sealed class MeterTests;
