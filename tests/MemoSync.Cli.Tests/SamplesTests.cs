using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MemoSync.Emulator.Chat;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary>
/// The samples as a user builds them: from the MemoSync packages packed into a local folder feed (restored into a packages
/// folder of their own, so the packed ones are used), run against the emulator's Memobase and scripted chat over loopback.
/// </summary>
[Collection(nameof(LocalPackageFeed))]
public sealed partial class SamplesTests(LocalPackageFeed feed) : IAsyncLifetime
{
    private const string User = "alice";
    private const string Memory = "interest::sports: plays tennis on Sundays";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private RunningEmulator _server = null!;
    private string _version = "";

    private string Samples => Path.Combine(feed.Clone, "samples");

    private string SamplePackages => Path.Combine(feed.Dir, "sample-packages");

    public async Task InitializeAsync()
    {
        _server = await RunningEmulator.StartAsync();
        await _server.RememberAsync(User, "plays tennis on Sundays", "interest", "sports");
        await feed.PackAsync("src/MemoSync.Memobase", "MemoSync.Memobase");
        _version = await feed.PackAsync("src/MemoSync", "MemoSync");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>
    /// Builds the sample with the feed as a source beside the machine's own, and the machine's packages as a fallback folder
    /// (nothing is downloaded twice); returns its program.
    /// </summary>
    private async Task<string> BuildAsync(string sample)
    {
        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(Samples, "nuget.config"), $"""
            <configuration>
              <packageSources><add key="memosync-local" value="{feed.Folder}" /></packageSources>
              <fallbackPackageFolders><add key="machine" value="{machinePackages}" /></fallbackPackageFolders>
            </configuration>
            """);
        await LocalPackageFeed.RunAsync(Samples, new Dictionary<string, string> { ["NUGET_PACKAGES"] = SamplePackages },
            "dotnet", "build", sample, "-c", "Release", $"-p:MemoSyncVersion={_version}");
        // Restored from the feed, not found anywhere else.
        Assert.True(File.Exists(Path.Combine(SamplePackages, "memosync", _version, $"memosync.{_version}.nupkg")), $"MemoSync {_version} was not taken from the feed");
        return Path.Combine(Samples, sample, "bin", "Release", "net10.0", $"{sample}.dll");
    }

    private Dictionary<string, string> Settings(string journal) => new()
    {
        ["MEMOBASE_URL"] = _server.Emulator.BaseAddress.ToString(),
        ["MEMOBASE_TOKEN"] = RunningEmulator.Token,
        ["MEMOSYNC_JOURNAL"] = Path.Combine(feed.Dir, journal),
        ["LLM_URL"] = new Uri(_server.Emulator.BaseAddress, "v1").ToString(),
        ["LLM_MODEL"] = "scripted",
        ["LLM_API_KEY"] = "sk-sample-test",
        ["USER_ID"] = User,
        // The first memory lookup of a program just started can pass the default 500 ms on two busy cores; the program
        // then answers without memory, rightly, but these tests look for the memory in the prompt.
        ["MemoSync__Memory__Timeout"] = "00:00:10",
    };

    [Fact]
    public async Task The_console_assistant_built_from_the_packages_answers_with_the_users_memory_and_its_turn_is_delivered()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Bonjour Alice! Tennis on Sunday?"] };
        var program = await BuildAsync("ConsoleAssistant");

        using var assistant = CliProcess.StartProgram(program, feed.Dir, Settings("console.db"));
        var errors = assistant.StandardError.ReadToEndAsync();
        await assistant.StandardInput.WriteLineAsync("hello there");
        assistant.StandardInput.Close();
        var output = await assistant.StandardOutput.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(Patience))
        {
            await assistant.WaitForExitAsync(deadline.Token);
        }

        Assert.True(assistant.ExitCode == 0, $"exit {assistant.ExitCode}\n{output}\n{await errors}");
        Assert.True(output.Contains("assistant> Bonjour Alice! Tennis on Sunday?", StringComparison.Ordinal),
            $"the answer is not in what the assistant wrote:\n{output}\n{await errors}");
        Assert.Contains(Memory, Assert.Single(_server.Emulator.GetChatRequests()).SystemPrompt, StringComparison.Ordinal);
        // Delivered before the program ended: stopping drains the delivery engine.
        Assert.Single(await _server.StoredTurnIdsAsync(User));
        Assert.Equal((1L, 0L), (_server.Emulator.GetStats().BlobsReceived, _server.Emulator.GetStats().Duplicates));
    }

    [Fact]
    public async Task The_minimal_service_built_from_the_packages_answers_a_request_with_the_users_memory_and_its_turn_is_delivered()
    {
        _server.Emulator.ChatSettings = new ScriptedChatSettings { Answers = ["Bonjour Alice!"] };
        var program = await BuildAsync("MinimalService");

        using var service = CliProcess.StartProgram(program, feed.Dir, Settings("service.db"), "--urls", "http://127.0.0.1:0");
        try
        {
            var errors = service.StandardError.ReadToEndAsync();
            var address = await ListeningAddressAsync(service);
            using var http = new HttpClient { BaseAddress = address };

            using var answer = await http.PostAsJsonAsync("chat", new { userId = User, sessionId = "s1", message = "hello there" });
            Assert.True(answer.IsSuccessStatusCode, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            Assert.Equal("Bonjour Alice!", (await answer.Content.ReadFromJsonAsync<JsonObject>())!["answer"]!.GetValue<string>());
            Assert.Contains(Memory, Assert.Single(_server.Emulator.GetChatRequests()).SystemPrompt, StringComparison.Ordinal);
            // Delivered at once, while the service runs.
            await _server.WaitForBlobsAsync(1, Patience);
            Assert.Single(await _server.StoredTurnIdsAsync(User));

            await CliProcess.StopAsync(service, "TERM", Patience);
            Assert.True(service.ExitCode == 0, $"exit {service.ExitCode}\n{await errors}");
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The address ASP.NET Core says it listens on (the port was chosen by the system), read from the service's log.</summary>
    private static async Task<Uri> ListeningAddressAsync(Process service)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (await service.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                // The rest of the log is read so the service never blocks on a full pipe.
                _ = service.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new Uri(match.Groups[1].Value + "/");
            }
        }
        throw new InvalidOperationException("the service ended without saying where it listens");
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
