using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MemoSync.Cli.Tests;

/// <summary><c>memosync emulator</c> as a real child process.</summary>
public partial class EmulatorCommandTests
{
    internal static Process Start(params string[] args) => TestSupport.CliProcess.Start(null, args);

    [Fact]
    public async Task The_emulator_command_says_where_it_listens_serves_the_API_and_stops_on_SIGINT()
    {
        using var process = Start("emulator", "--port", "0", "--token", "cli-secret-token", "--latency", "1-5");
        string? listening = null;
        var banner = new List<string>();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            banner.Add(line);
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening = match.Groups[1].Value;
            }
            if (line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
            {
                break;
            }
        }
        Assert.NotNull(listening);
        Assert.StartsWith("http://127.0.0.1:", listening, StringComparison.Ordinal);
        Assert.Contains(banner, l => l.Contains("TypeScript: new MemoBaseClient", StringComparison.Ordinal));
        Assert.Contains(banner, l => l.Contains("latency 1-5 ms", StringComparison.Ordinal));
        Assert.DoesNotContain(banner, l => l.Contains("cli-secret-token", StringComparison.Ordinal));

        using var http = new HttpClient();
        Assert.Equal("""{"data":null,"errno":0,"errmsg":""}""", await http.GetStringAsync(new Uri(new Uri(listening), "api/v1/healthcheck")));

        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(deadline.Token);
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Emulator stopped.", await process.StandardOutput.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--drop-rate", "1.5", "drop_rate must be between 0 and 1")]
    [InlineData("--latency", "soon", "--latency must be milliseconds")]
    [InlineData("--http500-rate", "0.7", "add up to more than 1")]
    [InlineData("--token", "", "--token must not be empty")]
    public async Task Bad_flags_are_refused_with_the_reason(string flag, string value, string reason)
    {
        string[] args = flag == "--http500-rate" ? ["emulator", "--port", "0", flag, value, "--http503-rate", "0.7"] : ["emulator", "--port", "0", flag, value];
        using var process = Start(args);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var errors = await process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(reason, errors, StringComparison.Ordinal);
    }

    [GeneratedRegex("listening on (http://\\S+)")]
    private static partial Regex ListeningLine();
}
