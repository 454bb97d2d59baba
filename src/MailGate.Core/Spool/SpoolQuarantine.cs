
using MailGate.Core.Files;
using MailGate.Core.Storage;

namespace MailGate.Core.Spool;

/// <summary>Sets damaged entries aside: renames them, whatever they are (a link moves as a link), into <c>corrupt/</c>.</summary>
internal sealed class SpoolQuarantine(SpoolEntries entries, Action<DamagedEntry> quarantined, Action<QuarantineFailedEventArgs> failed)
{
    /// <summary>Moves the damaged entry into <c>corrupt/</c> (under another name if that one is taken); false when it is gone already or cannot be moved (<paramref name="failed"/> is told).</summary>
    public bool Move(DamagedEntry entry)
    {
        var source = Path.Combine(entries.PathOf(entry.Area), entry.Name);
        var target = Path.Combine(entries.PathOf(SpoolArea.Corrupt), entry.Name);
        if (EntryKinds.Of(target) is not EntryKind.Missing)
        {
            target += "-" + Path.GetRandomFileName();
        }

        try
        {
            Directory.Move(source, target);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            return false; // gone meanwhile
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still never read or processed; said again each time it is met, until a person moves it.
            failed(new QuarantineFailedEventArgs(entry, e.Message));
            return false;
        }

        DirectorySync.Flush(entries.PathOf(SpoolArea.Corrupt));
        DirectorySync.Flush(entries.PathOf(entry.Area));
        quarantined(entry);
        return true;
    }
}
