
using MailGate.Core.Files;
using MailGate.Core.Storage;

namespace MailGate.Core.Spool;

/// <summary>
/// Small documents in a folder, one <c>{key}.json</c> each, replaced atomically and durably
/// (<see cref="DurableFile"/>): the file spool's poller cursors (<c>{spool}/{poller}/</c>, or a folder of the
/// poller's own) and feature state (<c>{spool}/{feature}.json</c>). A document that is not a regular file (a
/// symbolic link, a FIFO) or is larger than <see cref="StorageNames.MaxDocumentBytes"/> is never read.
/// </summary>
public sealed class DocumentFolder : ICursorDocuments
{
    /// <summary>Opens (and creates, if needed) the folder <paramref name="folder"/>.</summary>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be created.</exception>
    public DocumentFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Location = Path.GetFullPath(folder);
        Directory.CreateDirectory(Location);
    }

    /// <summary>The folder (full path).</summary>
    public string Location { get; }

    /// <inheritdoc/>
    public byte[]? Read(string key)
    {
        var path = PathOf(key);
        switch (EntryKinds.Of(path))
        {
            case EntryKind.Missing:
                return null;
            case not EntryKind.File:
                throw new IOException($"{path} is not a regular file (a symbolic link, a folder, …); it is not read");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        if (stream.Length > StorageNames.MaxDocumentBytes)
        {
            throw new IOException($"{path} holds {stream.Length} bytes, more than a stored document may ({StorageNames.MaxDocumentBytes}); it is not read");
        }

        var content = new byte[stream.Length];
        stream.ReadExactly(content);
        return content;
    }

    /// <inheritdoc/>
    public void Write(string key, ReadOnlySpan<byte> document)
    {
        StorageNames.CheckSize(document, nameof(document));
        DurableFile.Replace(PathOf(key), document);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Keys() =>
        [.. Directory.EnumerateFiles(Location, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(StorageNames.IsKey)
            .Order(StringComparer.Ordinal)];

    private string PathOf(string key) => Path.Combine(Location, StorageNames.CheckKey(key, nameof(key)) + ".json");
}
