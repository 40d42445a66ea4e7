using MemoSync.Emulator;

namespace MemoSync.Cli.Commands;

/// <summary>Tells where the emulator listens and how to point a Memobase SDK at it; never prints the token.</summary>
internal static class EmulatorBanner
{
    public static void Write(TextWriter output, MemobaseEmulator emulator, EmulatorOptions options)
    {
        var root = emulator.BaseAddress.ToString().TrimEnd('/');
        var token = options.AccessToken is null ? "any Bearer token" : "the token given with --token (default: secret)";
        output.WriteLine($"Memobase emulator (API 0.0.40) listening on {root}/");
        output.WriteLine($"  storage:   {options.DataPath ?? "in memory"}");
        output.WriteLine($"  auth:      {token}");
        output.WriteLine($"  faults:    {options.Faults}");
        output.WriteLine();
        output.WriteLine("Point an SDK at it:");
        output.WriteLine($"  MEMOBASE_URL={root}/   MEMOBASE_TOKEN=<token>");
        output.WriteLine($"  Python:     MemoBaseClient(project_url=\"{root}\", api_key=token)");
        output.WriteLine($"  TypeScript: new MemoBaseClient(\"{root}\", token)");
        output.WriteLine($"  HTTP:       {root}/api/v1/...  with  Authorization: Bearer <token>");
        output.WriteLine($"Scripted OpenAI-compatible chat ({options.Chat}): --llm-url {root}/v1, any model and key;");
        output.WriteLine($"  settings GET/PUT {root}/_emulator/chat   requests received: GET {root}/_emulator/chat/requests");
        output.WriteLine($"Scripted realtime voice/text endpoint, same settings: --realtime ws://{emulator.BaseAddress.Authority}/v1/realtime;");
        output.WriteLine($"  responses given: GET {root}/_emulator/realtime/responses");
        output.WriteLine($"Faults at run time: GET/PUT {root}/_emulator/faults   Stats: GET {root}/_emulator/stats");
        output.WriteLine("Press Ctrl+C to stop.");
    }
}
