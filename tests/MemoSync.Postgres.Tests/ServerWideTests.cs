namespace MemoSync.Postgres.Tests;

/// <summary>
/// Tests that act on the whole test server (terminating every connection of its user) or load it for minutes (the chaos
/// soak): they run with no other test of this project beside them, so neither cuts another test's connections.
/// </summary>
[CollectionDefinition(nameof(ServerWideTests), DisableParallelization = true)]
public sealed class ServerWideTests;
