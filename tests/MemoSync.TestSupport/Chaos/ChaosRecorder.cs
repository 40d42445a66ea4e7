using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MemoSync.TestSupport.Chaos;

/// <summary>
/// A program handing its turns to <c>memosync record</c>, a batch a run: it writes the lines at a conversation's pace,
/// closes standard input and waits for the command's verdict. A batch is recorded when the command exits 0 (or 3:
/// recorded, Memobase unreachable) after reading every line; otherwise the producer hands the whole batch over again,
/// which <c>record</c> recognises by content, as a real producer that retries would.
/// </summary>
/// <remarks><paramref name="random"/> is its own: one task draws from it.</remarks>
internal sealed class ChaosRecorder(int number, IReadOnlyDictionary<string, string> environment, Random random)
{
    private const int Users = 3;

    /// <summary>How long one <c>record</c> may take before it is taken as hung, killed and reported.</summary>
    private static readonly TimeSpan Hung = TimeSpan.FromMinutes(3);

    private readonly string _directory = Directory.CreateTempSubdirectory("memosync-chaos-record-").FullName;
    private int _next;

    /// <summary>The marker (the user's message) of every line a <c>record</c> acknowledged.</summary>
    public ConcurrentBag<string> Recorded { get; } = [];

    /// <summary>Every <c>record</c> run's exit code, hung ones as -1.</summary>
    public ConcurrentQueue<int> ExitCodes { get; } = new();

    /// <summary>The users it records for.</summary>
    public IEnumerable<string> UserIds => Enumerable.Range(0, Users).Select(UserId);

    /// <summary>Records batches until <paramref name="stop"/> is cancelled; the batch in hand is then finished.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var batch = NextBatch();
                while (!await RecordAsync(batch))
                {
                    await Task.Delay(Draw(200, 1000), CancellationToken.None);
                }
                await Task.Delay(Draw(0, 1500), stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string UserId(int user) => $"chaos-recorder-{number}-user-{user}";

    private int Draw(int min, int max) => random.Next(min, max);

    private List<(string Marker, string Line)> NextBatch() => Enumerable.Range(0, Draw(3, 20)).Select(_ =>
    {
        var n = _next++;
        var marker = $"chaos turn {number}-{n}";
        var line = new JsonObject
        {
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = marker },
                new JsonObject { ["role"] = "assistant", ["content"] = "Noted." }),
            ["synced"] = false,
            ["retry_count"] = 0,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture),
            ["user_id"] = UserId(n % Users),
            ["session_id"] = $"chaos-recorder-{number}",
        };
        return (marker, line.ToJsonString());
    }).ToList();

    /// <summary>One <c>record</c> run of <paramref name="batch"/>; true when it acknowledged every line.</summary>
    private async Task<bool> RecordAsync(List<(string Marker, string Line)> batch)
    {
        using var record = CliProcess.StartIn(_directory, environment, "record", "-");
        var output = record.StandardOutput.ReadToEndAsync();
        var errors = record.StandardError.ReadToEndAsync();
        try
        {
            foreach (var (_, line) in batch)
            {
                await record.StandardInput.WriteLineAsync(line);
                await record.StandardInput.FlushAsync();
                await Task.Delay(Draw(0, 150));
            }
            record.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited before reading everything: its exit code says why, and the batch goes again.
        }
        using var hung = new CancellationTokenSource(Hung);
        try
        {
            await record.WaitForExitAsync(hung.Token);
        }
        catch (OperationCanceledException)
        {
            record.Kill();
            await record.WaitForExitAsync();
            ExitCodes.Enqueue(-1);
            return false;
        }
        ExitCodes.Enqueue(record.ExitCode);
        await errors;
        var acknowledged = record.ExitCode is 0 or 3 && (await output).Contains($"{batch.Count} lines: ", StringComparison.Ordinal);
        if (acknowledged)
        {
            foreach (var (marker, _) in batch)
            {
                Recorded.Add(marker);
            }
        }
        return acknowledged;
    }
}
