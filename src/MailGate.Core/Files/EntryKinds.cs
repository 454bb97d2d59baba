using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MailGate.Core.Files;

/// <summary>What a path names, judged without following a symbolic link at its end (like lstat(2)).</summary>
internal enum EntryKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory (not a link to one).</summary>
    Directory,

    /// <summary>A symbolic link, whatever it points to (or nothing).</summary>
    Link,

    /// <summary>A FIFO, socket or device: opening one can block or read endlessly.</summary>
    Other,
}

/// <summary>
/// Tells apart regular files, directories, symbolic links and everything else without following
/// links. .NET shows a FIFO or a device as an ordinary file, so on Linux this asks the kernel with
/// statx(2) (its layout is the same on every architecture); elsewhere, or where statx is refused, it
/// falls back to .NET's attributes (links and directories are still told apart).
/// </summary>
internal static partial class EntryKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxTypeAndInode = 0x1 | 0x100; // STATX_TYPE | STATX_INO
    private const int StatxSize = 256;
    private const int ModeOffset = 28; // __u16 stx_mode
    private const int InodeOffset = 32; // __u64 stx_ino
    private const int DevMajorOffset = 136; // __u32 stx_dev_major, then stx_dev_minor
    private const int NoEntry = 2; // ENOENT
    private const int NotDirectory = 20; // ENOTDIR

    private static bool _statxMissing = !OperatingSystem.IsLinux();

    /// <summary>The kind of entry <paramref name="path"/> names.</summary>
    public static EntryKind Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> buffer = stackalloc byte[StatxSize];
        return TryStatx(path, buffer, out var missing)
            ? missing ? EntryKind.Missing : KindOfMode(BinaryPrimitives.ReadUInt16LittleEndian(buffer[ModeOffset..]))
            : OfAttributes(path);
    }

    /// <summary>
    /// The device and inode <paramref name="path"/> names (not following a link), or null when nothing is
    /// there or the system cannot tell (off Linux). Two equal identities are the same file.
    /// </summary>
    public static (ulong Device, ulong Inode)? IdentityOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (!TryStatx(path, buffer, out var missing) || missing)
        {
            return null;
        }

        var device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer[DevMajorOffset..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(buffer[(DevMajorOffset + 4)..]);
        return (device, BinaryPrimitives.ReadUInt64LittleEndian(buffer[InodeOffset..]));
    }

    private static EntryKind KindOfMode(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => EntryKind.File,
        0x4000 => EntryKind.Directory,
        0xA000 => EntryKind.Link,
        _ => EntryKind.Other,
    };

    /// <summary>statx with AT_SYMLINK_NOFOLLOW; false when statx cannot be used here (then the caller falls back).</summary>
    private static bool TryStatx(string path, Span<byte> buffer, out bool missing)
    {
        missing = false;
        if (Volatile.Read(ref _statxMissing) || !BitConverter.IsLittleEndian)
        {
            return false;
        }

        try
        {
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxTypeAndInode, buffer) == 0)
            {
                return true;
            }
        }
        catch (EntryPointNotFoundException)
        {
            Volatile.Write(ref _statxMissing, true);
            return false;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno is NoEntry or NotDirectory)
        {
            missing = true;
            return true;
        }

        // EPERM/ENOSYS (a seccomp filter or an old kernel), EACCES, …: let .NET answer.
        return false;
    }

    private static EntryKind OfAttributes(string path)
    {
        FileAttributes attributes;
        try
        {
            attributes = System.IO.File.GetAttributes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return EntryKind.Missing;
        }

        return (attributes & FileAttributes.ReparsePoint) != 0 ? EntryKind.Link
            : (attributes & FileAttributes.Directory) != 0 ? EntryKind.Directory
            : EntryKind.File;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, Span<byte> buffer);
}
