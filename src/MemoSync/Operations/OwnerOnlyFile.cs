using System.Runtime.InteropServices;

namespace MemoSync.Operations;

/// <summary>
/// Every file MemoSync creates (the journal, a backup, an export, the daemon's log) holds conversations, so it is
/// created readable and writable by its owner only (0600), before a byte is written into it, never narrowed afterwards.
/// </summary>
public static partial class OwnerOnlyFile
{
    /// <summary>0600.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and its folder) empty and owner-only when it is missing; an existing file is left as it is.</summary>
    public static void Ensure(string path)
    {
        if (File.Exists(path))
        {
            return;
        }
        try
        {
            using var _ = Open(path, FileMode.CreateNew);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: it did so the same way.
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> for writing with <paramref name="mode"/>, creating it (and its folder) owner-only. A file
    /// that exists and is replaced (<see cref="FileMode.Create"/>, <see cref="FileMode.Truncate"/>) is made owner-only
    /// before anything is written into it.
    /// </summary>
    public static FileStream Open(string path, FileMode mode)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Mode;
        }
        var stream = new FileStream(full, options);
        if (!OperatingSystem.IsWindows() && mode is FileMode.Create or FileMode.Truncate or FileMode.OpenOrCreate or FileMode.Append
            && File.GetUnixFileMode(stream.SafeFileHandle) != Mode)
        {
            File.SetUnixFileMode(stream.SafeFileHandle, Mode);
        }
        return stream;
    }

    /// <summary>
    /// From now on, files this process creates without a mode of their own are owner-only too (umask 077): for
    /// writers that create files themselves, such as Serilog's shared file sink when it rolls to a new file.
    /// </summary>
    public static void ForEveryNewFileOfThisProcess()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = Umask(0b000_111_111);
        }
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);
}
