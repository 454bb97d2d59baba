
using MailGate.Core.Storage;

namespace MailGate.Core.Spool;

/// <summary>The file spool's answers to readiness and metrics (<see cref="IStorageHealth"/>), from names and a probe, never reading a message.</summary>
internal sealed class SpoolHealth(SpoolEntries entries)
{
    /// <summary>What the probe writes: one disk block's worth, which a full file system refuses.</summary>
    private static readonly byte[] ProbeContent = new byte[4096];

    /// <summary>
    /// What a commit needs, done on a probe: a file with content written in <c>incoming/</c> (a full disk
    /// refuses content, not an empty file) and renamed into <c>active/</c> (which needs <c>active/</c>
    /// writable), then deleted. The probe's name starts with a dot, so no scan of the spool ever sees it, and
    /// recovery deletes one a crash left in <c>incoming/</c>.
    /// </summary>
    public string? ProbeCommit()
    {
        var name = $".ready-{Guid.NewGuid():N}";
        var probe = Path.Combine(entries.PathOf(SpoolArea.Incoming), name);
        var moved = Path.Combine(entries.PathOf(SpoolArea.Active), name);
        if (!Directory.Exists(entries.PathOf(SpoolArea.Active)))
        {
            return $"{entries.PathOf(SpoolArea.Active)} is missing";
        }

        try
        {
            File.WriteAllBytes(probe, ProbeContent);
            File.Move(probe, moved);
            File.Delete(moved);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SpoolCommit.TryDelete(probe);
            SpoolCommit.TryDelete(moved); // left behind, its dot-name keeps it out of every scan
            return e.Message;
        }
    }

    /// <summary>
    /// The entries of <paramref name="area"/>, whatever they are (corrupt/ holds links, files and FIFOs set aside
    /// too), dot-names (the readiness probe, an NFS silly-rename) left out; null when the area cannot be listed.
    /// </summary>
    public int? Count(SpoolArea area)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(entries.PathOf(area)).Count(path => !Path.GetFileName(path).StartsWith('.'));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>When the oldest message in <c>active/</c> arrived: ids begin with the arrival time, so the oldest is the smallest name and no file is read.</summary>
    public DateTimeOffset? OldestUnfinished()
    {
        var oldest = Directory.EnumerateDirectories(entries.PathOf(SpoolArea.Active))
            .Select(Path.GetFileName)
            .Where(id => id is not null && SpoolIds.IsValid(id))
            .Min(StringComparer.Ordinal);
        return oldest is null ? null : SpoolIds.ReceivedAt(oldest);
    }
}
