using System.Buffers.Binary;

namespace MemoSync.Cli.Voice;

/// <summary>
/// 16-bit PCM WAV files as the realtime protocol wants its audio: mono at 24 kHz. Reading takes any channel count
/// and sample rate (mixed down and resampled); anything but 16-bit PCM is refused, saying what the file is.
/// </summary>
internal static class WavFile
{
    public const int SampleRate = 24_000;

    /// <summary>How long <paramref name="pcmBytes"/> bytes of 16-bit mono audio at 24 kHz play.</summary>
    public static TimeSpan Duration(long pcmBytes) => TimeSpan.FromSeconds(pcmBytes / 2.0 / SampleRate);

    /// <summary>The file's audio as 16-bit little-endian mono PCM at 24 kHz.</summary>
    /// <exception cref="InvalidDataException">
    /// The file is not a 16-bit PCM WAV file, or a chunk's header or size does not fit the file (the message names the file,
    /// the offset and what is wrong).
    /// </exception>
    public static byte[] ReadPcm16Mono24k(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8) is false || bytes.AsSpan(8, 4).SequenceEqual("WAVE"u8) is false)
        {
            throw new InvalidDataException($"{path}: not a WAV file (no RIFF/WAVE header)");
        }
        (int Channels, int Rate, int Bits, int Format)? format = null;
        // Each step moves past a chunk of at least its 8-byte header, so the walk ends within the file.
        for (var at = 12; at < bytes.Length;)
        {
            var id = Chunk(path, bytes, at, out var body);
            if (id == "fmt ")
            {
                if (body.Length < 16)
                {
                    throw new InvalidDataException($"{path}: the format chunk at offset {at} has {body.Length} bytes, 16 are needed");
                }
                format = (BinaryPrimitives.ReadInt16LittleEndian(body[2..]), BinaryPrimitives.ReadInt32LittleEndian(body[4..]),
                    BinaryPrimitives.ReadInt16LittleEndian(body[14..]), BinaryPrimitives.ReadUInt16LittleEndian(body));
            }
            else if (id == "data")
            {
                if (format is not { } f)
                {
                    throw new InvalidDataException($"{path}: the data comes before any format chunk");
                }
                // 1 is PCM; 0xFFFE (extensible) carries PCM in its sub-format, and 16 bits of it are the same samples.
                if (f.Format is not (1 or 0xFFFE) || f.Bits != 16)
                {
                    throw new InvalidDataException($"{path}: {f.Bits}-bit audio of format {f.Format}; 16-bit PCM is needed");
                }
                if (f.Channels < 1 || f.Rate < 1000)
                {
                    throw new InvalidDataException($"{path}: {f.Channels} channels at {f.Rate} Hz is not audio this can play");
                }
                if (body.Length % (2 * f.Channels) != 0)
                {
                    throw new InvalidDataException(
                        $"{path}: the data chunk at offset {at} has {body.Length} bytes, not a whole number of {f.Channels}-channel 16-bit frames");
                }
                return Resample(MixDown(body, f.Channels), f.Rate);
            }
            // RIFF pads a chunk of odd size with one byte.
            at += 8 + body.Length + (body.Length & 1);
        }
        throw new InvalidDataException($"{path}: no audio data in the file");
    }

    /// <summary>The id and <paramref name="body"/> of the chunk at <paramref name="at"/>; its size is unsigned and must fit in the file.</summary>
    private static string Chunk(string path, byte[] bytes, int at, out ReadOnlySpan<byte> body)
    {
        if (bytes.Length - at < 8)
        {
            throw new InvalidDataException($"{path}: the chunk header at offset {at} is cut short ({bytes.Length - at} of 8 bytes)");
        }
        var id = System.Text.Encoding.ASCII.GetString(bytes, at, 4);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4));
        if (size > (uint)(bytes.Length - at - 8))
        {
            throw new InvalidDataException(
                $"{path}: the chunk '{Printable(id)}' at offset {at} says it has {size} bytes, but the file has {bytes.Length - at - 8} after its header");
        }
        body = bytes.AsSpan(at + 8, (int)size);
        return id;
    }

    /// <summary>A chunk id as it can be shown: bytes that are not printable ASCII become '?'.</summary>
    private static string Printable(string id) => string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '_' or '-' ? c : '?'));

    /// <summary>Writes 16-bit mono PCM at 24 kHz as a WAV file any player opens.</summary>
    public static void WritePcm16Mono24k(string path, ReadOnlySpan<byte> pcm)
    {
        Span<byte> header = stackalloc byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], 36 + pcm.Length);
        "WAVEfmt "u8.CopyTo(header[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(header[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(header[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], pcm.Length);
        using var file = File.Create(path);
        file.Write(header);
        file.Write(pcm);
    }

    private static short[] MixDown(ReadOnlySpan<byte> data, int channels)
    {
        var frames = data.Length / (2 * channels);
        var mono = new short[frames];
        for (var i = 0; i < frames; i++)
        {
            var sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += BinaryPrimitives.ReadInt16LittleEndian(data[(((i * channels) + c) * 2)..]);
            }
            mono[i] = (short)(sum / channels);
        }
        return mono;
    }

    /// <summary>Linear interpolation to 24 kHz: plenty for speech a model transcribes.</summary>
    private static byte[] Resample(short[] samples, int rate)
    {
        var count = rate == SampleRate ? samples.Length : (int)((long)samples.Length * SampleRate / rate);
        var pcm = new byte[count * 2];
        for (var i = 0; i < count; i++)
        {
            var at = (double)i * rate / SampleRate;
            var left = (int)at;
            var right = Math.Min(left + 1, samples.Length - 1);
            var value = samples[left] + ((samples[right] - samples[left]) * (at - left));
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 2), (short)Math.Round(value));
        }
        return pcm;
    }
}
