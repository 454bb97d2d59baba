using MailGate.Core.Deliver;
using MailGate.Core.Storage;
using System.Text.Json;

namespace MailGate.Tests.Shared.Storage;

/// <summary>
/// The conformance tests of what the gateway's processor does beyond the single steps: a message whose state
/// is damaged is set aside (<see cref="IProcessingStore.Finish"/> to <see cref="SpoolArea.Corrupt"/>) and the others go on.
/// </summary>
public abstract partial class StorageConformanceTests
{
    [Test]
    public async Task Finish_DamagedStateToCorrupt_SetAsideAndTheOthersStillUnfinished()
    {
        var storage = Owner();
        var damaged = await CommitMail(storage, 0);
        var healthy = await CommitMail(storage, 1);
        storage.WriteState(damaged, Decided(DeliveryStatus.Pending));
        Backend.DamageState(damaged.Id);
        Assert.That(() => storage.ReadState(damaged), Throws.InstanceOf<JsonException>());

        storage.Finish(damaged, SpoolArea.Corrupt);

        Assert.That(storage.IsUnfinished(damaged), Is.False);
        Assert.That(storage.UnfinishedIds(), Is.EqualTo(new[] { healthy.Id }));
        storage = Restart(storage);
        Assert.That(storage.ClaimUnfinished().Select(m => m.Id), Is.EqualTo(new[] { healthy.Id }));
        Assert.That(storage.Count(SpoolArea.Corrupt), Is.EqualTo(1));
    }
}
