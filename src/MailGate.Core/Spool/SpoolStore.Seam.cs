using MailGate.Core.Files;
using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Buffers;

namespace MailGate.Core.Spool;

/// <summary>How the file spool answers the storage seam (<see cref="IMessageStorage"/>): each role mapped onto the spool's folders.</summary>
public sealed partial class SpoolStore
{
    private SpoolLedger? _ledger;

    bool IStorageHealth.IsOwner => IsExclusive;

    async Task<StoredMessage> IMessageIntake.CommitAsync(Envelope envelope, ReadOnlySequence<byte> content, CancellationToken cancellationToken) =>
        await CommitAsync(envelope, content, cancellationToken).ConfigureAwait(false);

    ProcessingState IMessageContent.ReadState(StoredMessage message) => ReadState(Spooled(message));

    IReadOnlyList<StoredMessage> IProcessingStore.ClaimUnfinished() => List(SpoolArea.Active);

    IReadOnlyList<string> IProcessingStore.UnfinishedIds() => Ids(SpoolArea.Active);

    StoredMessage? IProcessingStore.Claim(string id) => Open(SpoolArea.Active, id);

    bool IProcessingStore.IsUnfinished(StoredMessage message) => EntryKinds.Of(Path.Combine(PathOf(SpoolArea.Active), Spooled(message).Id)) is EntryKind.Directory;

    IReadOnlyList<string> IProcessingStore.Renew(IReadOnlyCollection<StoredMessage> held) => []; // the only owner: claims last as long as the lock

    void IProcessingStore.Release(StoredMessage message)
    {
        // The only owner: nobody else could take it up.
    }

    void IProcessingStore.WriteState(StoredMessage message, ProcessingState state) => WriteState(Spooled(message), state);

    StoredMessage IProcessingStore.Finish(StoredMessage message, SpoolArea area) => area is SpoolArea.Done or SpoolArea.Dead or SpoolArea.Corrupt
        ? Move(Spooled(message), area)
        : throw new ArgumentOutOfRangeException(nameof(area), area, "a message finishes to done, dead or corrupt");

    SpoolListing ISpoolAdministration.List(SpoolArea area) => _administration.List(area);

    SpoolListing ISpoolAdministration.ListNewest(SpoolArea area, int count) => _administration.ListNewest(area, count);

    StoredEntry? ISpoolAdministration.Find(string id) => _administration.Find(id);

    DamagedEntry? ISpoolAdministration.FindDamaged(string id) => _administration.FindDamaged(id);

    StoredDocuments ISpoolAdministration.Documents(StoredMessage message) => SpoolAdministration.Documents(Spooled(message));

    RequeueOutcome ISpoolAdministration.Requeue(string id, DateTimeOffset now) => _administration.Requeue(id, now);

    IReadOnlyList<RequeueOutcome> ISpoolAdministration.RequeueAllDead(DateTimeOffset now) => _administration.RequeueAllDead(now);

    PurgeOutcome ISpoolAdministration.PurgeDone(DateTimeOffset receivedBefore) => _administration.PurgeDone(receivedBefore);

    byte[]? IFeatureState.ReadFeatureState(string feature) => _features.Read(StorageNames.CheckName(feature, nameof(feature)));

    void IFeatureState.WriteFeatureState(string feature, ReadOnlySpan<byte> document) => _features.Write(StorageNames.CheckName(feature, nameof(feature)), document);

    string? IStorageHealth.OwnershipProblem() => LockProblem();

    bool IStorageHealth.TryLead(string role)
    {
        StorageNames.CheckName(role, nameof(role));
        return IsExclusive; // the only owner leads every role
    }

    string? IStorageHealth.ProbeCommit() => _health.ProbeCommit();

    int? IStorageHealth.Count(SpoolArea area) => _health.Count(area);

    DateTimeOffset? IStorageHealth.OldestUnfinished() => _health.OldestUnfinished();

    LedgerReservation IDeliveryLedger.Reserve(string key, string messageId, DateTimeOffset now, DateTimeOffset forgetBefore) =>
        Ledger.Reserve(key, messageId, now, forgetBefore);

    void IDeliveryLedger.Accept(string key, string messageId, DateTimeOffset acceptedAt) => Ledger.Accept(key, messageId, acceptedAt);

    void IDeliveryLedger.Release(string key, string messageId) => Ledger.Release(key, messageId);

    int IDeliveryLedger.SweepLedger(DateTimeOffset before) => Ledger.Sweep(before);

    /// <summary>The ledger folder <c>ledger/</c>, created when first used (a shared view that never uses it creates nothing).</summary>
    private SpoolLedger Ledger => LazyInitializer.EnsureInitialized(ref _ledger, () => new SpoolLedger(Root, AreaOf));

    /// <summary>Where message <paramref name="id"/> is (its folder), or null when it is in no area.</summary>
    private SpoolArea? AreaOf(string id)
    {
        foreach (var area in Enum.GetValues<SpoolArea>())
        {
            if (EntryKinds.Of(Path.Combine(PathOf(area), id)) is EntryKind.Directory)
            {
                return area;
            }
        }

        return null;
    }

    private static SpooledMessage Spooled(StoredMessage message) =>
        message as SpooledMessage ?? throw new ArgumentException($"message {message?.Id} is not a message of a file spool", nameof(message));
}
