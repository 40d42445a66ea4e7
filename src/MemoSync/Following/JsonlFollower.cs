using System.Security.Cryptography;
using MemoSync.Journal;
using MemoSync.Journal.Jsonl;
using Microsoft.Extensions.Logging;

namespace MemoSync.Following;

/// <summary>
/// Follows one file of the guide's JSONL that an app appends to: each look records the complete lines added since the last
/// through <see cref="GuideJsonlImporter"/> (a partial last line waits for its newline), and keeps the position in the
/// journal with what tells that the file there is still the one read. Lines are recorded by their content, as
/// <c>memosync import</c> does, so a line read twice is recorded once: whenever the file is no longer what was read
/// (truncated, or rewritten to flip <c>synced</c> flags as the guide does) it is simply read again from its start.
/// When another file takes the path (rotation), the rest of the one held open is read first. The file is only ever read.
/// </summary>
internal sealed partial class JsonlFollower(string path, IFollowCheckpoints checkpoints, GuideJsonlImporter importer, string? defaultUser,
    Action recorded, ILogger logger) : IDisposable
{
    /// <summary>How many bytes before the position the checkpoint's hash covers: enough to hold the last lines read.</summary>
    private const int TailBytes = 4096;

    /// <summary>The tail hash of position 0, where every file continues.</summary>
    private static readonly string NoTail = Hash([]);

    private readonly TurnLimits _limits = new();
    private FollowCheckpoint? _at;
    private FollowCheckpoint? _saved;
    private FileStream? _file;

    /// <summary>Records what the file gained since the last look, and where reading now stands.</summary>
    /// <exception cref="IOException">The file could not be read; the next look tries again from the same place.</exception>
    /// <exception cref="JournalUnavailableException">The journal could not be written; the next look tries again from the same place.</exception>
    public async Task LookAsync(CancellationToken ct)
    {
        _at ??= await checkpoints.GetFollowCheckpointAsync(path, ct).ConfigureAwait(false) ?? Start(null);
        _saved ??= _at;
        if (Open() is not var (file, id))
        {
            // Gone for now: a file held open keeps its rest for when the next one appears.
            return;
        }
        var held = _file is null ? null : FileIdentity.Of(_file.SafeFileHandle);
        if (_file is null)
        {
            if (_at.FileId is { } before && id is not null && before != id)
            {
                LogReplaced(path);
                _at = Start(id);
            }
            _file = file;
        }
        else if (held is not null && held == id)
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            // Another file took the path: the rest of the one held open comes first. Where the system cannot tell files apart,
            // the one at the path is read on, and its length and bytes tell whether it is still the one read.
            if (held is not null && id is not null)
            {
                try
                {
                    await ReadAsync(_file, held, ct).ConfigureAwait(false);
                }
                catch
                {
                    // The next look opens the path again and still finds the old file's rest first.
                    await file.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
                LogRotated(path, _at.Lines);
                _at = Start(id);
            }
            await _file.DisposeAsync().ConfigureAwait(false);
            _file = file;
        }
        if (_file.Length < _at.Position || Tail(_file, _at.Position) != _at.TailHash)
        {
            LogRewritten(path, _at.Position, _file.Length);
            _at = Start(id);
        }
        await ReadAsync(_file, id, ct).ConfigureAwait(false);
    }

    /// <summary>Records the complete lines of <paramref name="file"/> after the position and moves it past them.</summary>
    private async Task ReadAsync(FileStream file, string? id, CancellationToken ct)
    {
        var begun = _at!;
        file.Position = begun.Position;
        var reader = new GuideJsonlReader(file, defaultUser, _limits) { CompleteLinesOnly = true };
        var report = await importer.ImportAsync(reader, ct: ct).ConfigureAwait(false);
        foreach (var bad in report.BadLines)
        {
            LogBadLine(path, begun.Lines + bad.Number, bad.Reason);
        }
        if (report.Imported > 0)
        {
            recorded();
        }
        var position = begun.Position + reader.CompleteLineBytes;
        var tail = Tail(file, position);
        // A rewrite while the lines were read moved the bytes before where reading began: what was read may not end where
        // a line of the file now ends, so the next look reads the file again from its start (recording nothing twice).
        if (position != begun.Position && Tail(file, begun.Position) != begun.TailHash)
        {
            tail = "";
        }
        _at = begun with { Position = position, Lines = begun.Lines + reader.LinesRead, FileId = id, TailHash = tail };
        if (_at != _saved)
        {
            await checkpoints.SaveFollowCheckpointAsync(_at, ct).ConfigureAwait(false);
            _saved = _at;
        }
    }

    private FollowCheckpoint Start(string? id) => new(path, 0, 0, id, NoTail);

    /// <summary>The file at the path, read-only and never in the way of the app that writes, renames or removes it; null when there is none.</summary>
    private (FileStream File, string? Id)? Open()
    {
        try
        {
            var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
            });
            return (file, FileIdentity.Of(file.SafeFileHandle));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The hash of the bytes before <paramref name="position"/>; empty when the file holds fewer.</summary>
    private static string Tail(FileStream file, long position)
    {
        var start = Math.Max(0, position - TailBytes);
        var bytes = new byte[position - start];
        var read = 0;
        while (read < bytes.Length && RandomAccess.Read(file.SafeFileHandle, bytes.AsSpan(read), start + read) is var n and > 0)
        {
            read += n;
        }
        return read == bytes.Length ? Hash(bytes) : "";
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public void Dispose() => _file?.Dispose();

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "{Path} line {Line}: {Reason}; the line was not recorded, following goes on")]
    private partial void LogBadLine(string path, int line, string reason);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "{Path} was rotated: the old file was read to its end ({Lines} lines); reading the new one from its start")]
    private partial void LogRotated(string path, int lines);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Information, Message = "{Path} is another file than the one read before the restart; reading it from its start")]
    private partial void LogReplaced(string path);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Information,
        Message = "{Path} was truncated or rewritten (read to byte {Position}, now {Length} bytes); reading it again from its start, recording only lines not recorded before")]
    private partial void LogRewritten(string path, long position, long length);
}
