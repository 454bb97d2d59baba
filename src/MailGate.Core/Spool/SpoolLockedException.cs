namespace MailGate.Core.Spool;

/// <summary>Another process holds the spool's lock (<see cref="SpoolLock"/>): a second gateway on one spool is refused.</summary>
public sealed class SpoolLockedException : IOException
{
    /// <summary>Creates the exception for the spool at <paramref name="root"/>, locked through <paramref name="lockPath"/>.</summary>
    public SpoolLockedException(string root, string lockPath, Exception innerException)
        : base($"the spool {root} is in use by another process (a second MailGate on the same spool?); it holds {lockPath}, which names its PID", innerException)
    {
        Root = root;
        LockPath = lockPath;
    }

    /// <summary>Creates the exception.</summary>
    public SpoolLockedException()
    {
        Root = LockPath = "";
    }

    /// <summary>Creates the exception.</summary>
    public SpoolLockedException(string message) : base(message)
    {
        Root = LockPath = "";
    }

    /// <summary>Creates the exception.</summary>
    public SpoolLockedException(string message, Exception innerException) : base(message, innerException)
    {
        Root = LockPath = "";
    }

    /// <summary>The spool's root folder.</summary>
    public string Root { get; }

    /// <summary>The lock file another process holds.</summary>
    public string LockPath { get; }
}
