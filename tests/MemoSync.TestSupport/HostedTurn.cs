using MemoSync.Dialogue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MemoSync.TestSupport;

/// <summary>A turn recorded by an application wired by <c>AddMemoSync</c>, as its code would.</summary>
public static class HostedTurn
{
    /// <summary>Starts <paramref name="host"/>, records one turn of alice through its <see cref="DialogueRecorderFactory"/>, and stops it (the engine drains).</summary>
    public static async Task RecordOneAsync(IHost host)
    {
        await host.StartAsync();
        var recorder = host.Services.GetRequiredService<DialogueRecorderFactory>().Create("alice", "s1");
        recorder.AddUserMessage("question");
        recorder.AddAssistantMessage("answer");
        await recorder.FinalizeTurnAsync();
        await host.StopAsync();
    }
}
