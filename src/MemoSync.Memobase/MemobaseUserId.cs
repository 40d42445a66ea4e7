using System.Security.Cryptography;
using System.Text;

namespace MemoSync.Memobase;

/// <summary>
/// A Memobase user id: a UUID of version 4 or 5, the only ids the server accepts. Built from a UUID,
/// or from any string the way the official Python SDK maps one, so both name the same user.
/// </summary>
public readonly record struct MemobaseUserId
{
    // RFC 4122 NAMESPACE_DNS, which the Python SDK's string_to_uuid uses.
    private static readonly Guid NamespaceDns = new("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    private const string SdkSuffix = "memobase_client";

    private MemobaseUserId(Guid value) => Value = value;

    /// <summary>The UUID.</summary>
    public Guid Value { get; }

    /// <summary>Wraps a UUID, which must be of version 4 or 5.</summary>
    /// <exception cref="ArgumentException">The UUID is of another version.</exception>
    public static MemobaseUserId FromGuid(Guid id) => id.Version is 4 or 5
        ? new MemobaseUserId(id)
        : throw new ArgumentException($"A Memobase user id must be a UUID of version 4 or 5; {id} is version {id.Version}. Use FromName to map another id.", nameof(id));

    /// <summary>Parses a UUID string of version 4 or 5.</summary>
    /// <exception cref="ArgumentException">The text is not such a UUID.</exception>
    public static MemobaseUserId Parse(string text) => Guid.TryParse(text, out var id)
        ? FromGuid(id)
        : throw new ArgumentException($"'{text}' is not a UUID; a Memobase user id must be a UUID of version 4 or 5. Use FromName to map another id.", nameof(text));

    /// <summary>Maps any string to a user id as the official Python SDK does: <c>uuid5(NAMESPACE_DNS, name + "memobase_client")</c>.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static MemobaseUserId FromName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Span<byte> input = stackalloc byte[16];
        NamespaceDns.TryWriteBytes(input, bigEndian: true, out _);
        var bytes = input.ToArray().Concat(Encoding.UTF8.GetBytes(name + SdkSuffix)).ToArray();
#pragma warning disable CA5350 // UUID version 5 is defined on SHA-1; this is naming, not security.
        var hash = SHA1.HashData(bytes).AsSpan(0, 16);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new MemobaseUserId(new Guid(hash, bigEndian: true));
    }

    /// <summary>A UUID string of version 4 or 5 is taken as it is; any other string is mapped with <see cref="FromName"/>.</summary>
    public static MemobaseUserId FromUuidOrName(string text) =>
        Guid.TryParse(text, out var id) && id.Version is 4 or 5 ? new MemobaseUserId(id) : FromName(text);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}
