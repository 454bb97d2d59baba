namespace MailGate.Core.Storage;

/// <summary>
/// The storage could not be reached (a database that is down, refuses connections, or timed out): nothing about the
/// message at hand, so processing never counts it towards dead-lettering the message; the work is taken up again at
/// the next scan once the storage answers. An <see cref="IOException"/>, so code that handles storage failures in
/// general still handles it. Only backends that can be away throw it (PostgreSQL; the file spool's failures are
/// the disk's and stay plain <see cref="IOException"/>s).
/// </summary>
public sealed class StorageUnavailableException : IOException
{
    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public StorageUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
