namespace MemoSync.Realtime;

/// <summary>The <c>type</c> of the realtime protocol's events, as the beta protocol (OpenAI Realtime, GLM-Realtime) names them.</summary>
public static class RealtimeEventTypes
{
#pragma warning disable CS1591 // Each constant is its own value.
    // Sent by the client.
    public const string SessionUpdate = "session.update";
    public const string InputAudioAppend = "input_audio_buffer.append";
    public const string InputAudioCommit = "input_audio_buffer.commit";
    public const string InputAudioClear = "input_audio_buffer.clear";
    public const string ItemCreate = "conversation.item.create";
    public const string ItemTruncate = "conversation.item.truncate";
    public const string ResponseCreate = "response.create";
    public const string ResponseCancel = "response.cancel";

    // Sent by the server.
    public const string SessionCreated = "session.created";
    public const string SessionUpdated = "session.updated";
    public const string SpeechStarted = "input_audio_buffer.speech_started";
    public const string SpeechStopped = "input_audio_buffer.speech_stopped";
    public const string InputAudioCommitted = "input_audio_buffer.committed";
    public const string InputTranscriptionCompleted = "conversation.item.input_audio_transcription.completed";
    public const string InputTranscriptionFailed = "conversation.item.input_audio_transcription.failed";
    public const string ItemTruncated = "conversation.item.truncated";
    public const string ResponseCreated = "response.created";
    public const string AudioDelta = "response.audio.delta";
    public const string AudioTranscriptDelta = "response.audio_transcript.delta";
    public const string AudioTranscriptDone = "response.audio_transcript.done";
    public const string TextDelta = "response.text.delta";
    public const string TextDone = "response.text.done";
    public const string ResponseDone = "response.done";
    public const string Error = "error";
#pragma warning restore CS1591

    /// <summary>The generally available protocol's names for the same events, read as their beta names.</summary>
    internal static string Canonical(string type) => type switch
    {
        "response.output_audio.delta" => AudioDelta,
        "response.output_audio_transcript.delta" => AudioTranscriptDelta,
        "response.output_audio_transcript.done" => AudioTranscriptDone,
        "response.output_text.delta" => TextDelta,
        "response.output_text.done" => TextDone,
        _ => type,
    };
}
