using System.Diagnostics;
using MemoSync.TestSupport;

namespace MemoSync.Emulator.Tests;

/// <summary>The official Memobase TypeScript SDK, unchanged (tests/sdk-ts), cannot tell the emulator from Memobase.</summary>
public class OfficialTypeScriptSdkTests
{
    [Fact]
    public async Task The_official_TypeScript_SDK_works_against_the_emulator_end_to_end()
    {
        await using var server = await RunningEmulator.StartAsync();
        var harness = Path.Combine(Repository.Root, "tests", "sdk-ts");
        Assert.True(Directory.Exists(Path.Combine(harness, "node_modules", "@memobase", "memobase")),
            "run `npm ci` in tests/sdk-ts first (scripts/test does)");

        var start = new ProcessStartInfo("node", "conformance.mjs")
        {
            WorkingDirectory = harness,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MEMOBASE_URL"] = server.Emulator.BaseAddress.ToString().TrimEnd('/');
        start.Environment["MEMOBASE_TOKEN"] = RunningEmulator.Token;
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(deadline.Token);

        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(node.ExitCode == 0, $"the SDK run failed:\n{string.Join('\n', lines)}\n{await errors}");
        Assert.Equal(30, lines.Count(l => l.Contains("\"ok\":true", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("a wrong token is refused", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("every SDK method was called", StringComparison.Ordinal) && l.Contains("\"ok\":true", StringComparison.Ordinal));
    }
}
