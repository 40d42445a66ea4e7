namespace MemoSync.Realtime;

/// <summary>The realtime server sent something that is not an event of the protocol.</summary>
public sealed class RealtimeProtocolException(string message) : Exception(message);
