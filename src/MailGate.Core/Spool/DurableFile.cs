namespace MailGate.Core.Spool;

/// <summary>Small files replaced atomically and durably: the new content or the old, never a torn mix, even after power loss.</summary>
public static class DurableFile
{
    /// <summary>Writes <paramref name="content"/> to a temporary file, fsyncs it, renames it over <paramref name="path"/> and fsyncs the folder.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(path);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
