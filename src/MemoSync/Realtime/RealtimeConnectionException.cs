namespace MemoSync.Realtime;

/// <summary>The realtime endpoint could not be reached, or the connection to it dropped.</summary>
public sealed class RealtimeConnectionException(string message, Exception? inner = null) : Exception(message, inner);
