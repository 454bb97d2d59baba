using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Text.Json;

namespace MailGate.Core.Spool;

/// <summary>
/// The file spool's <see cref="ISpoolAdministration"/>: safe beside a running gateway, since it only reads
/// <c>active/</c>, and changes <c>dead/</c> and <c>done/</c>, which the gateway only adds to (moving a folder into
/// <c>active/</c> with one atomic rename, which the gateway's next scan picks up). Damaged entries are listed, never read.
/// </summary>
internal sealed class SpoolAdministration(SpoolStore spool)
{
    /// <summary>The areas a message can be found in, in the order they are searched.</summary>
    private static readonly SpoolArea[] Areas = [SpoolArea.Active, SpoolArea.Dead, SpoolArea.Done, SpoolArea.Corrupt];

    public SpoolListing List(SpoolArea area) => ListNewest(area, int.MaxValue);

    public SpoolListing ListNewest(SpoolArea area, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var scan = spool.Scan(area, count);
        return new SpoolListing([.. scan.Messages.Select(m => Entry(m, area))], scan.Damaged);
    }

    public StoredEntry? Find(string id) => spool.Find(id) is { } found ? Entry(found.Message, found.Area) : null;

    public DamagedEntry? FindDamaged(string id) =>
        Areas.SelectMany(area => spool.Scan(area).Damaged).FirstOrDefault(d => d.Name == id);

    public static StoredDocuments Documents(SpooledMessage message) =>
        new(message.Directory, File.ReadAllText(Path.Combine(message.Directory, SpoolFiles.Envelope)), StateFile.Text(message.Directory));

    public RequeueOutcome Requeue(string id, DateTimeOffset now) =>
        spool.Find(id) is { Area: SpoolArea.Dead } found ? Requeue(found.Message, now) : new RequeueOutcome(id, RequeueResult.NotDead);

    public IReadOnlyList<RequeueOutcome> RequeueAllDead(DateTimeOffset now) => [.. spool.List(SpoolArea.Dead).Select(message => Requeue(message, now))];

    public PurgeOutcome PurgeDone(DateTimeOffset receivedBefore)
    {
        var deleted = 0;
        var failed = new List<PurgeFailure>();
        foreach (var message in spool.List(SpoolArea.Done).Where(m => SpoolIds.ReceivedAt(m.Id) < receivedBefore))
        {
            try
            {
                Directory.Delete(message.Directory, recursive: true);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add(new PurgeFailure(message.Id, e.Message));
            }
        }

        return new PurgeOutcome(deleted, failed, spool.PathOf(SpoolArea.Done));
    }

    /// <summary>
    /// The state written first, then the folder moved: interrupted in between, the message is still dead (and
    /// re-queued again, the same way). One that cannot be re-queued (its state damaged, a file in the way) is
    /// reported and left in dead/.
    /// </summary>
    private RequeueOutcome Requeue(SpooledMessage message, DateTimeOffset now)
    {
        try
        {
            SpoolStore.WriteState(message, DeadLetterRequeue.Requeued(SpoolStore.ReadState(message), now));
            spool.Move(message, SpoolArea.Active);
            return new RequeueOutcome(message.Id, RequeueResult.Requeued);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return new RequeueOutcome(message.Id, RequeueResult.Failed, e.Message);
        }
    }

    private static StoredEntry Entry(SpooledMessage message, SpoolArea area)
    {
        try
        {
            return new StoredEntry(message, area, SpoolStore.ReadState(message), null);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return new StoredEntry(message, area, null, e.Message);
        }
    }
}
