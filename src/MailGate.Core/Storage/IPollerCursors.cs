namespace MailGate.Core.Storage;

/// <summary>
/// Where pollers keep their cursors (how far each account was read, which items were taken), so that a
/// restart, or a poll that failed or ran late, misses nothing and takes nothing twice. A poller commits
/// what it found (<see cref="IMessageIntake.CommitAsync"/>) before it writes its cursor.
/// </summary>
public interface IPollerCursors : IStorage
{
    /// <summary>The cursors of poller <paramref name="poller"/> (e.g. <c>support-cases</c>).</summary>
    /// <param name="poller">The poller's name: lower-case letters, digits and dashes (<see cref="StorageNames"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="poller"/> is not such a name.</exception>
    ICursorDocuments Cursors(string poller);
}

/// <summary>One poller's cursors: one small document (its own format, e.g. JSON) per key (e.g. per account).</summary>
public interface ICursorDocuments
{
    /// <summary>Where these cursors are kept, for logs (a folder, a table).</summary>
    string Location { get; }

    /// <summary>The cursor for <paramref name="key"/> as last written, or null when none was.</summary>
    /// <param name="key">Letters, digits, dots, dashes and underscores, not starting with a dot (<see cref="StorageNames"/>), e.g. an account id.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not such a key.</exception>
    /// <exception cref="IOException">It cannot be read (the file spool: it is not a regular file, or larger than <see cref="StorageNames.MaxDocumentBytes"/>).</exception>
    byte[]? Read(string key);

    /// <summary>Replaces the cursor for <paramref name="key"/> atomically and durably.</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not a valid key, or <paramref name="document"/> is larger than <see cref="StorageNames.MaxDocumentBytes"/>.</exception>
    /// <exception cref="IOException">The storage refused the write.</exception>
    /// <exception cref="UnauthorizedAccessException">The file spool may not be written.</exception>
    void Write(string key, ReadOnlySpan<byte> document);

    /// <summary>The keys that have a document now, in ordinal order (e.g. to list every account coverage knows).</summary>
    /// <exception cref="IOException">The storage cannot be read.</exception>
    IReadOnlyList<string> Keys();
}
