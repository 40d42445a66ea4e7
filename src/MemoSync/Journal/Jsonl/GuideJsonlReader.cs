using System.Runtime.CompilerServices;
using System.Text;

namespace MemoSync.Journal.Jsonl;

/// <summary>
/// Reads the guide's JSONL one line at a time as the lines arrive (a pipe works as well as a file): each non-blank
/// line is either a turn or a bad line named by its number and reason, and nothing one line holds stops the lines
/// after it. Lines are UTF-8 (a byte order mark at the start and CRLF endings are accepted); a line that is not UTF-8
/// or is longer than <see cref="TurnLimits.MaxLineBytes"/> is a bad line, and no more than that limit is held in
/// memory. Both <c>memosync import</c> and <c>memosync record</c> read through it; <paramref name="defaultUser"/>
/// serves lines without <c>user_id</c>.
/// </summary>
public sealed class GuideJsonlReader(Stream input, string? defaultUser, TurnLimits limits)
{
    private const int ChunkBytes = 64 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, int> _unknownFields = new(StringComparer.Ordinal);

    /// <summary>Lines read so far, blank ones included.</summary>
    public int LinesRead { get; private set; }

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Fields the format does not name, each with the number of good lines that had it; they are ignored.</summary>
    public IReadOnlyDictionary<string, int> UnknownFields => _unknownFields;

    /// <summary>
    /// When true, a last line without its newline is left unread (neither counted nor returned): a file still being
    /// written is read so, and that line is read once its newline has come. Default false: the input's end ends the line.
    /// </summary>
    public bool CompleteLinesOnly { get; init; }

    /// <summary>Bytes up to and including the last newline read: where the next complete line starts.</summary>
    public long CompleteLineBytes { get; private set; }

    /// <summary>Every non-blank line, in order.</summary>
    public async IAsyncEnumerable<GuideLine> ReadAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var parser = new GuideLineParser(defaultUser, new TurnValidator(limits));
        var chunk = new byte[ChunkBytes];
        var line = new LineBuffer(limits.MaxLineBytes);
        var done = new List<GuideLine>();
        while (true)
        {
            // WaitAsync: a read from a terminal or pipe does not heed the token itself, and a stop must not wait for the next line.
            var read = await input.ReadAsync(chunk, ct).AsTask().WaitAsync(ct);
            if (read == 0)
            {
                break;
            }
            BytesRead += read;
            var start = 0;
            while (start < read)
            {
                var end = Array.IndexOf(chunk, (byte)'\n', start, read - start);
                if (end < 0)
                {
                    line.Add(chunk.AsSpan(start, read - start));
                    break;
                }
                line.Add(chunk.AsSpan(start, end - start));
                if (Finish(line, parser) is { } finished)
                {
                    done.Add(finished);
                }
                start = end + 1;
                CompleteLineBytes = BytesRead - read + start;
            }
            foreach (var finished in done)
            {
                yield return finished;
            }
            done.Clear();
        }
        if (!CompleteLinesOnly && !line.IsEmpty && Finish(line, parser) is { } last)
        {
            yield return last;
        }
    }

    /// <summary>The line held in <paramref name="line"/> as a turn or a bad line (null when blank), and the buffer emptied.</summary>
    private GuideLine? Finish(LineBuffer line, GuideLineParser parser)
    {
        LinesRead++;
        var number = LinesRead;
        try
        {
            if (line.TooLong is { } length)
            {
                return Bad(number, $"longer than the limit of {limits.MaxLineBytes} bytes ({length} bytes)");
            }
            var bytes = line.Bytes;
            if (number == 1 && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                bytes = bytes[3..];
            }
            if (bytes.EndsWith("\r"u8))
            {
                bytes = bytes[..^1];
            }
            string text;
            try
            {
                text = StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                var at = e.Index >= 0 && e.Index < bytes.Length ? $" at byte {e.Index + 1}" : "";
                return Bad(number, $"not UTF-8 (bytes {Convert.ToHexString(e.BytesUnknown ?? [])}{at})");
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }
            var parsed = parser.Parse(text);
            if (parsed.Turn is null)
            {
                return Bad(number, parsed.Error!);
            }
            foreach (var field in parsed.UnknownFields)
            {
                _unknownFields[field] = _unknownFields.GetValueOrDefault(field) + 1;
            }
            return new GuideLine(parsed.Turn, null) { UnknownFields = parsed.UnknownFields };
        }
        finally
        {
            line.Clear();
        }
    }

    private static GuideLine Bad(int number, string reason) => new(null, new BadLine(number, reason));

    /// <summary>The bytes of one line, never more than the limit: past it only their count is kept.</summary>
    private sealed class LineBuffer(int limit)
    {
        private byte[] _bytes = new byte[256];
        private int _length;
        private long _dropped = -1;

        public bool IsEmpty => _length == 0 && _dropped < 0;

        /// <summary>The line's length when it is over the limit.</summary>
        public long? TooLong => _dropped < 0 ? null : _dropped;

        public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _length);

        public void Add(ReadOnlySpan<byte> more)
        {
            if (_dropped >= 0)
            {
                _dropped += more.Length;
                return;
            }
            if ((long)_length + more.Length > limit)
            {
                _dropped = (long)_length + more.Length;
                _length = 0;
                _bytes = new byte[256];
                return;
            }
            if (_length + more.Length > _bytes.Length)
            {
                Array.Resize(ref _bytes, (int)Math.Min(limit, Math.Max((long)_length + more.Length, 2L * _bytes.Length)));
            }
            more.CopyTo(_bytes.AsSpan(_length));
            _length += more.Length;
        }

        public void Clear()
        {
            _length = 0;
            _dropped = -1;
            if (_bytes.Length > ChunkBytes)
            {
                _bytes = new byte[256];
            }
        }
    }
}

/// <summary>One line of the guide's JSONL: a turn, or why it is not one.</summary>
/// <param name="Turn">The turn and the state the line recorded, when the line is good.</param>
/// <param name="Bad">The line's number and reason, when it is not.</param>
public sealed record GuideLine(ImportedTurn? Turn, BadLine? Bad)
{
    /// <summary>Fields of a good line that the format does not name (ignored).</summary>
    public IReadOnlyList<string> UnknownFields { get; init; } = [];
}
