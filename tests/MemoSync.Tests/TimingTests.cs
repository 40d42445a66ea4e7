namespace MemoSync.Tests;

/// <summary>Tests that measure time, or what the whole process allocates: they run with no other test of this project beside them.</summary>
[CollectionDefinition(nameof(TimingTests), DisableParallelization = true)]
public sealed class TimingTests;
