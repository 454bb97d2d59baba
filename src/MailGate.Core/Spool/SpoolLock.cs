using System.Runtime.InteropServices;
using System.Text;

namespace MailGate.Spool;

/// <summary>
/// One process's exclusive claim on a spool: the file <c>mailgate.lock</c> in the spool's root, held
/// open with an exclusive lock (<c>FileShare.None</c>, which .NET implements as <c>flock(LOCK_EX)</c>
/// on Linux and macOS, and a share lock on Windows). The kernel drops the lock when the holder exits
/// or is killed, so a stale lock file never blocks a restart.
/// </summary>
/// <remarks>
/// The file holds the holder's PID and host name for people (<c>cat mailgate.lock</c>); nothing reads
/// it back. The lock works only between processes that ask for it: the gateway does, the
/// <c>mailgate spool</c> commands do not (they are built to run beside a gateway).
/// </remarks>
public sealed partial class SpoolLock : IDisposable
{
    /// <summary>The lock file's name in the spool root.</summary>
    public const string FileName = "mailgate.lock";

    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int LinuxWouldBlock = 11;
    private const int MacWouldBlock = 35;
    private const int WindowsSharingViolation = unchecked((int)0x80070020);
    private const int WindowsLockViolation = unchecked((int)0x80070021);

    private readonly FileStream _file;
    private readonly (ulong Device, ulong Inode)? _identity;

    private SpoolLock(string path, FileStream file)
    {
        Path = path;
        _file = file;
        _identity = EntryKinds.IdentityOf(path);
    }

    /// <summary>The lock file's full path.</summary>
    public string Path { get; }

    /// <summary>Takes the lock on the spool at <paramref name="root"/>, creating the lock file if needed.</summary>
    /// <exception cref="SpoolLockedException">Another process holds the lock.</exception>
    /// <exception cref="IOException">The lock file cannot be created or opened (read-only file system, …).</exception>
    /// <exception cref="UnauthorizedAccessException">The lock file or the root is not writable for this user.</exception>
    public static SpoolLock Acquire(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var path = System.IO.Path.Combine(root, FileName);
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

            file.SetLength(0);
            file.Write(Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} on {Environment.MachineName}\n"));
            file.Flush();
            return new SpoolLock(path, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Why the lock no longer guards the spool, or null while it does: when the lock file was deleted
    /// or replaced, the lock held is on a file nobody else opens, and a second gateway could start.
    /// (Always null where file identities are not known, off Linux.)
    /// </summary>
    public string? Problem()
    {
        if (_identity is null)
        {
            return null;
        }

        return EntryKinds.IdentityOf(Path) == _identity ? null : $"the lock file {Path} was deleted or replaced: a second gateway could start on this spool (restart this one to lock it again)";
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _file.Dispose();

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int operation);
}
