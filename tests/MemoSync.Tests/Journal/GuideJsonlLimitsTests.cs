using System.Text;
using MemoSync.Journal;
using MemoSync.Journal.Jsonl;
using MemoSync.Operations;

namespace MemoSync.Tests.Journal;

/// <summary>What the JSONL reader holds in memory, what an import reports, and the owner-only files MemoSync creates.</summary>
[Collection(nameof(TimingTests))]
public sealed class GuideJsonlLimitsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Good = """{"messages": [{"role": "user", "content": "hi"}], "synced": false, "retry_count": 0, "timestamp": "2024-12-04T10:30:00"}""";

    /// <summary>A stream of <paramref name="length"/> bytes of one endless line, made as it is read.</summary>
    private sealed class EndlessLine(long length) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            buffer.AsSpan(offset, n).Fill((byte)'x');
            _position += n;
            if (_position == length && n > 0)
            {
                buffer[offset + n - 1] = (byte)'\n';
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_line_over_the_size_limit_is_a_bad_line_read_without_holding_it_and_the_next_line_is_read()
    {
        var limits = new TurnLimits { MaxLineBytes = 64 * 1024 };
        var input = new ConcatenatedStream(new EndlessLine(512L * 1024 * 1024), new MemoryStream(Encoding.UTF8.GetBytes(Good + "\n")));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var lines = new List<GuideLine>();
        var reader = new GuideJsonlReader(input, "alice", limits);

        await foreach (var line in reader.ReadAsync())
        {
            lines.Add(line);
        }

        Assert.Equal(2, lines.Count);
        Assert.Equal((1, "longer than the limit of 65536 bytes (536870911 bytes)"), (lines[0].Bad!.Number, lines[0].Bad!.Reason));
        Assert.NotNull(lines[1].Turn);
        // Half a gigabyte went through; what was allocated meanwhile (by every test running) is a small part of it.
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 64L * 1024 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public async Task The_import_report_counts_the_fields_the_format_does_not_name()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
        var file = string.Join('\n', Good[..^1] + """, "mood": "ok"}""", Good[..^1].Replace("hi", "hello", StringComparison.Ordinal) + """, "mood": 1, "tags": []}""");

        var report = await new GuideJsonlImporter(journal, new TurnLimits()).ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(file)), "alice");

        Assert.Equal((2, 0), (report.Imported, report.BadLines.Count));
        Assert.Equal("mood (2 lines), tags (1 line)", report.UnknownFieldsText);
    }

    [Fact]
    public async Task Good_lines_read_before_the_input_fails_are_imported_before_the_failure_is_reported()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
        var input = new ConcatenatedStream(new MemoryStream(Encoding.UTF8.GetBytes(Good + "\n")), new FailingStream());

        await Assert.ThrowsAsync<IOException>(() => new GuideJsonlImporter(journal, new TurnLimits()).ImportAsync(input, "alice"));

        Assert.Single(await journal.ListAsync(null, 10));
    }

    [Fact]
    public void Files_MemoSync_creates_are_owner_only_and_a_file_it_replaces_becomes_owner_only()
    {
        var fresh = _dir.File("a/new.jsonl");
        using (OwnerOnlyFile.Open(fresh, FileMode.Create))
        {
        }
        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(fresh));

        var old = _dir.File("old.jsonl");
        File.WriteAllText(old, "older export");
        File.SetUnixFileMode(old, OwnerOnlyFile.Mode | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using (var stream = OwnerOnlyFile.Open(old, FileMode.Create))
        {
            Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(old));
            Assert.Equal(0, stream.Length);
        }

        OwnerOnlyFile.Ensure(_dir.File("b/journal.db"));
        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(_dir.File("b/journal.db")));
    }

    private sealed class FailingStream : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("the disk went away");
    }

    /// <summary>A stream that can only be read, front to back.</summary>
    private abstract class ReadOnlyStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>One stream after another.</summary>
    private sealed class ConcatenatedStream(params Stream[] parts) : ReadOnlyStream
    {
        private int _part;

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_part < parts.Length)
            {
                var n = parts[_part].Read(buffer, offset, count);
                if (n > 0)
                {
                    return n;
                }
                _part++;
            }
            return 0;
        }
    }
}
