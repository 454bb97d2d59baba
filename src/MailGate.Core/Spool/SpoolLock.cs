using MailGate.Core.Files;
using System.Runtime.InteropServices;
using System.Text;

namespace MailGate.Core.Spool;

/// <summary>
/// One process's exclusive claim on a spool: on Linux an exclusive <c>flock</c> on the spool's folder
/// itself, and the file <c>mailgate.lock</c> in it, held open with an exclusive lock too
/// (<c>FileShare.None</c>, which .NET implements as <c>flock(LOCK_EX)</c> on Linux and macOS, and a share
/// lock on Windows). The kernel drops both when the holder exits or is killed, so a stale lock file never
/// blocks a restart.
/// </summary>
/// <remarks>
/// <para>The folder's lock is what guards the spool: deleting <c>mailgate.lock</c> (an operator clearing a
/// "stale" lock file, a clean-up job) lifts nothing, since the lock is on the folder, which stays. The
/// file's lock is kept beside it for gateways that know only the file. Where the folder cannot be locked
/// (a file system that refuses <c>flock</c> on a folder, off Linux) the file's lock alone guards, and
/// <see cref="Problem"/> reports the file deleted or replaced.</para>
/// <para>The file holds the holder's PID and host name for people (<c>cat mailgate.lock</c>); nothing reads
/// it back. A symbolic link in its place is refused (it would make the gateway truncate whatever it points
/// at). The locks work only between processes that ask for them: the gateway does, the
/// <c>mailgate spool</c> commands do not (they are built to run beside a gateway).</para>
/// </remarks>
public sealed partial class SpoolLock : IDisposable
{
    /// <summary>The lock file's name in the spool root.</summary>
    public const string FileName = "mailgate.lock";

    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int LinuxWouldBlock = 11;
    private const int MacWouldBlock = 35;
    private const int OpenReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC, the same on every Linux .NET runs on
    private const int WindowsSharingViolation = unchecked((int)0x80070020);
    private const int WindowsLockViolation = unchecked((int)0x80070021);

    private readonly FileStream _file;
    private readonly FolderHandle? _folder;
    private readonly (ulong Device, ulong Inode)? _fileIdentity;
    private readonly (ulong Device, ulong Inode)? _folderIdentity;

    private SpoolLock(string root, string path, FileStream file, FolderHandle? folder)
    {
        Root = root;
        Path = path;
        _file = file;
        _folder = folder;
        _fileIdentity = EntryKinds.IdentityOf(path);
        _folderIdentity = EntryKinds.IdentityOf(root);
    }

    /// <summary>The lock file's full path.</summary>
    public string Path { get; }

    /// <summary>The spool's folder.</summary>
    public string Root { get; }

    /// <summary>Whether the spool's folder itself is locked (Linux), so that the lock file may go without lifting the lock.</summary>
    public bool FolderLocked => _folder is not null;

    /// <summary>Takes the lock on the spool at <paramref name="root"/>, creating the lock file if needed.</summary>
    /// <exception cref="SpoolLockedException">Another process holds the lock.</exception>
    /// <exception cref="IOException">The lock file cannot be created or opened (read-only file system, a symbolic link in its place, …).</exception>
    /// <exception cref="UnauthorizedAccessException">The lock file or the root is not writable for this user.</exception>
    public static SpoolLock Acquire(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var path = System.IO.Path.Combine(root, FileName);
        var folder = LockFolder(root, path);
        try
        {
            if (EntryKinds.Of(path) is not (EntryKind.File or EntryKind.Missing))
            {
                throw new IOException($"{path} is not a regular file (a symbolic link, a folder, …): remove it, MailGate makes it again");
            }

            var file = OpenFile(root, path);
            try
            {
                file.SetLength(0);
                file.Write(Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} on {Environment.MachineName}\n"));
                file.Flush();
                return new SpoolLock(root, path, file, folder);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
        catch
        {
            folder?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Why the lock no longer guards the spool, or null while it does: the spool's folder was replaced
    /// (renamed away, a new one made in its place), or, where only the file is locked, the lock file was
    /// deleted or replaced; then the lock held is on something nobody else opens, and a second gateway
    /// could start. (Always null where identities are not known, off Linux.)
    /// </summary>
    public string? Problem()
    {
        if (_folderIdentity is not null && EntryKinds.IdentityOf(Root) != _folderIdentity)
        {
            return $"the spool folder {Root} was replaced or removed: this gateway's lock is on the old one, and a second gateway could start on the new one (restart this one)";
        }

        if (_folder is null && _fileIdentity is not null && EntryKinds.IdentityOf(Path) != _fileIdentity)
        {
            return $"the lock file {Path} was deleted or replaced: a second gateway could start on this spool (restart this one to lock it again)";
        }

        return null;
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose()
    {
        _file.Dispose();
        _folder?.Dispose();
    }

    /// <summary>Locks the folder itself (Linux); null where that is not possible, which leaves the lock file alone to guard.</summary>
    private static FolderHandle? LockFolder(string root, string lockPath)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        FolderHandle folder;
        try
        {
            folder = OpenFolder(root, OpenReadOnlyCloseOnExec);
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }

        if (folder.IsInvalid)
        {
            folder.Dispose();
            return null; // cannot be opened for locking (a permission on an odd mount): the file guards
        }

        if (Flock(folder, LockExclusive | LockNonBlocking) == 0)
        {
            return folder;
        }

        var errno = Marshal.GetLastPInvokeError();
        folder.Dispose();
        if (errno is LinuxWouldBlock)
        {
            throw new SpoolLockedException(root, lockPath, new IOException($"flock on {root}: errno {errno}"));
        }

        return null; // EBADF, ENOLCK, EOPNOTSUPP: a file system that will not lock a folder; the file guards
    }

    private static FileStream OpenFile(string root, string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException e) when (e.HResult is LinuxWouldBlock or MacWouldBlock or WindowsSharingViolation or WindowsLockViolation)
        {
            throw new SpoolLockedException(root, path, e);
        }

        try
        {
            // .NET skips its flock when DOTNET_SYSTEM_IO_DISABLEFILELOCKING is set; ask for it ourselves
            // (a no-op when .NET already holds it on this descriptor).
            if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Flock(file.SafeFileHandle, LockExclusive | LockNonBlocking) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is LinuxWouldBlock or MacWouldBlock)
                {
                    throw new SpoolLockedException(root, path, new IOException($"flock: errno {errno}"));
                }

                throw new IOException($"cannot lock {path} (flock errno {errno})");
            }

            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int operation);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(FolderHandle fd, int operation);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial FolderHandle OpenFolder(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseDescriptor(IntPtr fd);

    /// <summary>A folder opened read-only, only to hold a <c>flock</c> on it; closing it releases the lock.</summary>
    private sealed class FolderHandle : Microsoft.Win32.SafeHandles.SafeHandleMinusOneIsInvalid
    {
        public FolderHandle()
            : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle() => CloseDescriptor(handle) == 0;
    }
}
