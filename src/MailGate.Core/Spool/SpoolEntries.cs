using MailGate.Core.Files;
using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Text.Json;

namespace MailGate.Core.Spool;

/// <summary>
/// Reads the file spool's areas without changing anything: which names an area holds, and whether each
/// is a message or damaged (and why). Never follows a symbolic link, never opens anything but a regular file.
/// </summary>
internal sealed class SpoolEntries(string root)
{
    public const string NotAnId = "its name is not a spool id";

    /// <summary>The spool's root folder (full path).</summary>
    public string Root { get; } = root;

    /// <summary>The folder of <paramref name="area"/>.</summary>
    public string PathOf(SpoolArea area) => Path.Combine(Root, area.ToString().ToLowerInvariant());

    /// <summary>The names in <paramref name="area"/>, sorted (ids sort by arrival), dot-names left out.</summary>
    public string[] Names(SpoolArea area) =>
        Directory.EnumerateFileSystemEntries(PathOf(area)).Select(Path.GetFileName).OfType<string>()
            .Where(name => !name.StartsWith('.')).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Every entry of <paramref name="area"/>, oldest first: the messages, and the damaged entries with what is wrong with each.</summary>
    public SpoolScan Scan(SpoolArea area) => Scan(area, int.MaxValue);

    /// <summary>The newest <paramref name="count"/> entries of <paramref name="area"/> by name (ids sort by time), oldest first; only those are read.</summary>
    public SpoolScan Scan(SpoolArea area, int count)
    {
        var messages = new List<SpooledMessage>();
        var damaged = new List<DamagedEntry>();
        var names = Names(area);
        foreach (var name in names.Skip(Math.Max(0, names.Length - count)))
        {
            var entry = Inspect(area, name);
            if (entry.Message is { } message)
            {
                messages.Add(message);
            }
            else if (entry.Problem is { } problem)
            {
                damaged.Add(new DamagedEntry(area, name, problem));
            }
        }

        return new SpoolScan(messages, damaged);
    }

    /// <summary>Whether <paramref name="name"/> in <paramref name="area"/> is a message, damaged (and why), or gone.</summary>
    public Inspection Inspect(SpoolArea area, string name)
    {
        if (!SpoolIds.IsValid(name))
        {
            return Inspection.Damaged(NotAnId);
        }

        var directory = Path.Combine(PathOf(area), name);
        switch (EntryKinds.Of(directory))
        {
            case EntryKind.Missing:
                return Inspection.Gone;
            case EntryKind.Link:
                return Inspection.Damaged($"a symbolic link (to {new FileInfo(directory).LinkTarget}), not a message folder");
            case not EntryKind.Directory:
                return Inspection.Damaged("not a folder");
        }

        try
        {
            // Every file the gateway or the CLI opens or writes here must be a regular file (or absent):
            // no link to follow, no FIFO to block on. Other names inside are never opened.
            foreach (var file in SpoolFiles.Used)
            {
                var kind = EntryKinds.Of(Path.Combine(directory, file));
                if (kind is not (EntryKind.File or EntryKind.Missing))
                {
                    return Inspection.Damaged($"{file} is {(kind is EntryKind.Link ? "a symbolic link" : "not a regular file")}");
                }
            }

            Envelope? envelope;
            string? problem;
            using (var stream = File.OpenRead(Path.Combine(directory, SpoolFiles.Envelope)))
            {
                envelope = EnvelopeFile.Read(stream, out problem);
            }

            if (envelope is null)
            {
                return Inspection.Damaged($"{SpoolFiles.Envelope} {problem}");
            }

            var content = SpoolFiles.Content(envelope);
            if (EntryKinds.Of(Path.Combine(directory, content)) is not EntryKind.File)
            {
                return Missing(directory, content);
            }

            return new Inspection(new SpooledMessage(name, directory, envelope), null);
        }
        catch (FileNotFoundException)
        {
            return Missing(directory, SpoolFiles.Envelope);
        }
        catch (DirectoryNotFoundException)
        {
            return Inspection.Gone; // moved away while being looked at (finished, or re-queued)
        }
        catch (JsonException e)
        {
            return Inspection.Damaged($"{SpoolFiles.Envelope} is not valid: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return Inspection.Damaged($"cannot be read: {e.Message}");
        }
        catch (IOException)
        {
            return Inspection.Gone; // unreadable just now (an I/O error, no file handles left): looked at again next time
        }

        static Inspection Missing(string directory, string file) =>
            EntryKinds.Of(directory) is EntryKind.Missing ? Inspection.Gone : Inspection.Damaged($"{file} is missing");
    }
}

/// <summary>The outcome of looking at one entry: a message, damaged (with the problem), or gone (both null).</summary>
internal readonly record struct Inspection(SpooledMessage? Message, string? Problem)
{
    public static Inspection Gone => default;

    public static Inspection Damaged(string problem) => new(null, problem);
}
