using MemoSync.TestSupport;

namespace MemoSync.Memobase.Tests;

/// <summary>A test with its own emulator on a loopback port, started before and stopped after each test.</summary>
public abstract class EmulatorTest : IAsyncLifetime
{
    private RunningEmulator? _server;

    protected RunningEmulator Server => _server ?? throw new InvalidOperationException("not started");

    protected MemobaseClient Client => Server.Client;

    protected static MemobaseUserId NewUser() => MemobaseUserId.FromGuid(Guid.NewGuid());

    protected virtual Task<RunningEmulator> StartAsync() => RunningEmulator.StartAsync();

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
