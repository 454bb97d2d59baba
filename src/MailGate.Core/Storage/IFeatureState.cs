namespace MailGate.Core.Storage;

/// <summary>
/// Small durable state a feature keeps between runs, one document per feature (e.g. <c>pinned-keys</c>:
/// the DKIM keys to look up first after a restart). For head starts and memories, not for messages.
/// </summary>
public interface IFeatureState : IStorage
{
    /// <summary>The feature's document as last written, or null when none was.</summary>
    /// <param name="feature">The feature's name: lower-case letters, digits and dashes (<see cref="StorageNames"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="feature"/> is not such a name.</exception>
    /// <exception cref="IOException">It cannot be read (the file spool: it is not a regular file, or larger than <see cref="StorageNames.MaxDocumentBytes"/>).</exception>
    byte[]? ReadFeatureState(string feature);

    /// <summary>Replaces the feature's document atomically and durably.</summary>
    /// <exception cref="ArgumentException"><paramref name="feature"/> is not a valid name, or <paramref name="document"/> is larger than <see cref="StorageNames.MaxDocumentBytes"/>.</exception>
    /// <exception cref="IOException">The storage refused the write.</exception>
    /// <exception cref="UnauthorizedAccessException">The file spool may not be written.</exception>
    void WriteFeatureState(string feature, ReadOnlySpan<byte> document);
}
