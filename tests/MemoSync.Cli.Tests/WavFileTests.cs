using System.Buffers.Binary;
using FsCheck.Fluent;
using MemoSync.Cli.Voice;
using MemoSync.TestSupport;

namespace MemoSync.Cli.Tests;

/// <summary>The WAV reader on real files: every damaged header is an <see cref="InvalidDataException"/> naming the file and the offset, never a loop.</summary>
public sealed class WavFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-wav-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A valid file as the writer makes it (mono, 24 kHz), with a LIST chunk of <paramref name="listSize"/> bytes before the format.</summary>
    private byte[] Valid(int samples = 100, int listSize = 5)
    {
        var path = Path.Combine(_dir, "seed.wav");
        WavFile.WritePcm16Mono24k(path, new byte[samples * 2]);
        var plain = File.ReadAllBytes(path);
        var list = new byte[8 + listSize + (listSize & 1)];
        "LIST"u8.CopyTo(list);
        BinaryPrimitives.WriteInt32LittleEndian(list.AsSpan(4), listSize);
        return [.. plain.AsSpan(0, 12), .. list, .. plain.AsSpan(12)];
    }

    /// <summary>Offsets of the LIST, fmt and data chunks in <see cref="Valid"/> with a 5-byte LIST.</summary>
    private const int ListAt = 12, FmtAt = 26, DataAt = 50;

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] WithInt32(byte[] bytes, int at, int value)
    {
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    /// <summary>The reader's error for <paramref name="bytes"/>, read on another thread so a loop fails the test instead of hanging it.</summary>
    private async Task<InvalidDataException> Refused(byte[] bytes)
    {
        var path = Write(bytes);
        var read = Task.Run(() => WavFile.ReadPcm16Mono24k(path));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void A_valid_file_with_an_odd_sized_chunk_and_its_pad_byte_is_read()
    {
        var pcm = WavFile.ReadPcm16Mono24k(Write(Valid(samples: 100, listSize: 5)));
        Assert.Equal(200, pcm.Length);
    }

    [Fact]
    public async Task A_chunk_size_of_minus_8_is_named_with_its_offset_not_a_loop()
    {
        var e = await Refused(WithInt32(Valid(), ListAt + 4, -8));
        Assert.Contains($"the chunk 'LIST' at offset {ListAt} says it has {uint.MaxValue - 7} bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_chunk_larger_than_the_file_is_named_with_its_offset()
    {
        var e = await Refused(WithInt32(Valid(samples: 100), DataAt + 4, 1_000_000));
        Assert.Contains($"the chunk 'data' at offset {DataAt} says it has 1000000 bytes, but the file has 200 after its header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_chunk_of_odd_size_is_not_whole_samples()
    {
        var bytes = WithInt32(Valid(samples: 100), DataAt + 4, 199);
        var e = await Refused(bytes);
        Assert.Contains($"the data chunk at offset {DataAt} has 199 bytes, not a whole number of 1-channel 16-bit frames", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunk_header_cut_short_is_named_with_its_offset()
    {
        var e = await Refused(Valid().AsSpan(0, FmtAt + 5).ToArray());
        Assert.Contains($"the chunk header at offset {FmtAt} is cut short (5 of 8 bytes)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_format_chunk_too_short_for_its_fields_is_named_with_its_offset()
    {
        var e = await Refused(WithInt32(Valid(), FmtAt + 4, 10));
        Assert.Contains($"the format chunk at offset {FmtAt} has 10 bytes, 16 are needed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_bytes_or_a_damaged_valid_file_are_read_or_refused_naming_the_file_never_another_error()
    {
        var seed = Valid(samples: 8);
        // Chunk sizes that break readers: negative, zero, odd, past the end, the largest.
        var sizes = Gen.Elements(-8, -1, 0, 1, 7, 15, 199, int.MaxValue, int.MinValue);
        var damagedSize = from at in Gen.Elements(ListAt + 4, FmtAt + 4, DataAt + 4, 4)
                          from size in sizes
                          select WithInt32(seed, at, size);
        var inputs = Gen.OneOf(Fuzzing.BytesNear(seed).Generator, damagedSize).ToArbitrary();
        Fuzzing.Check(inputs, bytes =>
        {
            var path = Write(bytes);
            try
            {
                WavFile.ReadPcm16Mono24k(path);
            }
            catch (InvalidDataException e) when (e.Message.StartsWith(path + ": ", StringComparison.Ordinal))
            {
            }
        });
    }
}
