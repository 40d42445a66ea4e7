using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MemoSync.Following;

/// <summary>
/// Which file a path or an open handle is: its device and inode, read with Linux's <c>statx</c> (whose layout is the same on
/// every architecture). A file renamed away keeps its identity, so a follower knows the file at the path was replaced even
/// when the new one already holds more bytes than the old. Null where the system does not tell it (not Linux, a libc without
/// <c>statx</c>): the follower then goes by the length and the bytes before its position alone.
/// </summary>
internal static partial class FileIdentity
{
    private const int CurrentDirectory = -100;
    private const int EmptyPath = 0x1000;
    private const uint InodeMask = 0x100;

    /// <summary>The identity of the file at <paramref name="path"/>, or null.</summary>
    public static string? Of(string path) => Read(CurrentDirectory, path, 0);

    /// <summary>The identity of the open file <paramref name="handle"/>, wherever it has been renamed to since.</summary>
    public static string? Of(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Read((int)handle.DangerousGetHandle(), "", EmptyPath);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static string? Read(int directory, string path, int flags)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        try
        {
            return Statx(directory, path, flags, InodeMask, out var status) == 0
                ? $"{status.DeviceMajor}:{status.DeviceMinor}:{status.Inode}"
                : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary>The fields of <c>struct statx</c> read here, at their offsets in it.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }
}
