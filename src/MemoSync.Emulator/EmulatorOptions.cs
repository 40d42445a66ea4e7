namespace MemoSync.Emulator;

/// <summary>How the Memobase emulator listens, authenticates, stores and fails.</summary>
public sealed class EmulatorOptions
{
    /// <summary>Address to listen on. Default <c>127.0.0.1</c>: loopback unless told otherwise.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 picks a free one. Default 8019, the port of the server's docker-compose.</summary>
    public int Port { get; set; } = 8019;

    /// <summary>The root token, like the server's <c>ACCESS_TOKEN</c>. Default <c>secret</c>; <c>null</c> accepts any Bearer token.</summary>
    public string? AccessToken { get; set; } = "secret";

    /// <summary>A SQLite file to keep the data in; <c>null</c> (the default) keeps it in memory.</summary>
    public string? DataPath { get; set; }

    /// <summary>Keep chat blobs after their buffer is processed (the server's <c>persistent_chat_blobs</c>). Default false.</summary>
    public bool PersistentChatBlobs { get; set; }

    /// <summary>An idle buffer is processed once it holds more than this many tokens (<c>max_chat_blob_buffer_token_size</c>). Default 1024.</summary>
    public int BufferTokenThreshold { get; set; } = 1024;

    /// <summary>The faults injected from the start; change them at run time with <see cref="MemobaseEmulator.Faults"/>.</summary>
    public FaultSettings Faults { get; set; } = new();

    /// <summary>How the scripted OpenAI-compatible chat endpoint (<c>/v1/chat/completions</c>) answers; change it at run time with <see cref="MemobaseEmulator.ChatSettings"/>.</summary>
    public Chat.ScriptedChatSettings Chat { get; set; } = new();

    /// <summary>The emulator's clock: its timestamps and the scripted answers' latency and delays. Default the system's; a test may hold it still.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
