using MailGate.Core.Storage;
using System.Text.Json;

namespace MailGate.Core.Spool;

/// <summary>
/// The file spool's delivery ledger (<see cref="IDeliveryLedger"/>): the folder <c>{spool}/ledger/</c>, one small
/// <c>{key}.json</c> per email identity (<see cref="LedgerEntry"/>), replaced atomically and durably like the other
/// spool documents (<see cref="DocumentFolder"/>). One process owns a file spool; a lock orders its lanes.
/// </summary>
internal sealed class SpoolLedger(string root, Func<string, SpoolArea?> areaOf)
{
    private readonly DocumentFolder _folder = new(Path.Combine(root, "ledger"));
    private readonly Lock _lock = new();

    public LedgerReservation Reserve(string key, string messageId, DateTimeOffset now, DateTimeOffset forgetBefore)
    {
        LedgerEntry.Check(key, messageId);
        lock (_lock)
        {
            if (Read(key) is { } entry && entry.Judge(messageId, areaOf(entry.MessageId), forgetBefore) is { } verdict)
            {
                return verdict;
            }

            Write(key, new LedgerEntry(messageId, now, null));
            return new LedgerReservation(LedgerVerdict.Reserved, messageId, null);
        }
    }

    public void Accept(string key, string messageId, DateTimeOffset acceptedAt)
    {
        LedgerEntry.Check(key, messageId);
        lock (_lock)
        {
            var reservedAt = Read(key) is { } entry && entry.MessageId == messageId ? entry.ReservedAt : acceptedAt;
            Write(key, new LedgerEntry(messageId, reservedAt, acceptedAt));
        }
    }

    public void Release(string key, string messageId)
    {
        LedgerEntry.Check(key, messageId);
        lock (_lock)
        {
            if (Read(key) is { AcceptedAt: null } entry && entry.MessageId == messageId)
            {
                Delete(key);
            }
        }
    }

    public int Sweep(DateTimeOffset before)
    {
        var swept = 0;
        lock (_lock)
        {
            foreach (var path in Directory.EnumerateFiles(_folder.Location, "*.json"))
            {
                var key = Path.GetFileNameWithoutExtension(path);
                if (StorageNames.IsName(key) && Read(key) is { } entry && entry.Age < before && (entry.AcceptedAt is not null || !entry.HeldByUnfinished(areaOf(entry.MessageId))))
                {
                    Delete(key);
                    swept++;
                }
            }
        }

        return swept;
    }

    private LedgerEntry? Read(string key)
    {
        var bytes = _folder.Read(key);
        try
        {
            return bytes is null ? null : JsonSerializer.Deserialize(bytes, SpoolJsonContext.Default.LedgerEntry);
        }
        catch (JsonException)
        {
            return null; // a damaged entry is forgotten: at worst one more trigger, with the same dedup key
        }
    }

    private void Write(string key, LedgerEntry entry) =>
        _folder.Write(key, JsonSerializer.SerializeToUtf8Bytes(entry, SpoolJsonContext.Default.LedgerEntry));

    private void Delete(string key)
    {
        File.Delete(Path.Combine(_folder.Location, key + ".json"));
        DirectorySync.Flush(_folder.Location);
    }
}
