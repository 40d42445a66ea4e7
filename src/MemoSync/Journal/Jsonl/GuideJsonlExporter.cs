using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MemoSync.Memobase.Models;

namespace MemoSync.Journal.Jsonl;

/// <summary>
/// Writes turns in the guide's JSONL, with Python's separators (<c>"synced": false</c>) so the
/// guide's own checks, such as <c>grep '"synced": false' | wc -l</c>, work on an export.
/// </summary>
public sealed class GuideJsonlExporter(IDialogueJournal journal)
{
    private static readonly JsonSerializerOptions Text = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes every turn in <paramref name="state"/> (all when null), oldest first; returns how many.</summary>
    public async Task<int> ExportAsync(TextWriter output, TurnState? state, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var entries = await journal.ListAsync(state, int.MaxValue, ct);
        foreach (var entry in entries)
        {
            await output.WriteLineAsync(Line(entry).AsMemory(), ct);
        }
        await output.FlushAsync(ct);
        return entries.Count;
    }

    private static string Line(JournalEntry entry)
    {
        var turn = entry.Turn;
        var messages = string.Join(", ", turn.Messages.Select(Message));
        // With its offset, so an import in another time zone reads the same instant (Python's fromisoformat reads it too).
        var timestamp = turn.Timestamp.ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
        var session = turn.SessionId is null ? "" : $", \"session_id\": {Quote(turn.SessionId)}";
        session += turn.Interruption is { } interruption ? $", \"interrupted\": {Quote(interruption.Name())}" : "";
        return $"{{\"messages\": [{messages}], \"synced\": {(entry.State == TurnState.Synced ? "true" : "false")}, " +
            $"\"retry_count\": {entry.RetryCount}, \"timestamp\": {Quote(timestamp)}, \"user_id\": {Quote(turn.UserId)}{session}}}";
    }

    private static string Message(ChatMessage m)
    {
        var alias = m.Alias is null ? "" : $", \"alias\": {Quote(m.Alias)}";
        var created = m.CreatedAt is null ? "" : $", \"created_at\": {Quote(m.CreatedAt)}";
        return $"{{\"role\": {Quote(m.Role)}, \"content\": {Quote(m.Content)}{alias}{created}}}";
    }

    private static string Quote(string value) => JsonValue.Create(value).ToJsonString(Text);
}
