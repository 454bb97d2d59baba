using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Text;

namespace MailGate.Tests.Shared.Storage;

/// <summary>The conformance tests of the people's side (list, show, requeue, purge) and of the small documents (cursors, feature state, health).</summary>
public abstract partial class StorageConformanceTests
{
    private static readonly DateTimeOffset Now = Received.AddDays(2);

    private static async Task<StoredMessage> Dead(IMessageStorage storage, int second, ProcessingState state)
    {
        var message = await CommitMail(storage, second);
        storage.WriteState(message, state);
        return storage.Finish(message, SpoolArea.Dead);
    }

    [Test]
    public async Task Requeue_RejectedDelivery_PendingAgainWithTheSameDedupKeyAndUnfinishedForTheOwner()
    {
        var owner = Owner();
        var dead = await Dead(owner, 0, Decided(DeliveryStatus.Rejected, "mailgate-kept-1"));

        var outcome = Shared().Requeue(dead.Id, Now);

        Assert.That(outcome, Is.EqualTo(new RequeueOutcome(dead.Id, RequeueResult.Requeued)));
        var claimed = owner.Claim(dead.Id);
        Assert.That(claimed, Is.Not.Null);
        var delivery = owner.ReadState(claimed!).Deliveries.Single();
        Assert.That(delivery.Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(delivery.Event.DedupKey, Is.EqualTo("mailgate-kept-1"));
        Assert.That(delivery.RequeuedAt, Is.EqualTo(Now));
        Assert.That(owner.Count(SpoolArea.Dead), Is.Zero);
    }

    [Test]
    public async Task Requeue_FailedBeforeADecision_UndecidedAgain()
    {
        var owner = Owner();
        var dead = await Dead(owner, 0, new ProcessingState { Error = "unparseable" });

        Assert.That(owner.Requeue(dead.Id, Now).Result, Is.EqualTo(RequeueResult.Requeued));

        var state = owner.ReadState(owner.Claim(dead.Id)!);
        Assert.That(state.IsDecided, Is.False);
        Assert.That(state.Error, Is.Null);
    }

    [Test]
    public async Task Requeue_NotADeadLetter_NotDeadAndNothingMoves()
    {
        var owner = Owner();
        var active = await CommitMail(owner, 1);
        var done = await CommitMail(owner, 2);
        owner.Finish(done, SpoolArea.Done);

        Assert.That(owner.Requeue(active.Id, Now).Result, Is.EqualTo(RequeueResult.NotDead));
        Assert.That(owner.Requeue(done.Id, Now).Result, Is.EqualTo(RequeueResult.NotDead));
        Assert.That(owner.Requeue("019a00000009-00000009", Now).Result, Is.EqualTo(RequeueResult.NotDead));
        Assert.That(owner.Count(SpoolArea.Active), Is.EqualTo(1));
        Assert.That(owner.Count(SpoolArea.Done), Is.EqualTo(1));
    }

    [Test]
    public async Task Requeue_DamagedState_FailedAndStillDeadSoItCanBeRetried()
    {
        var owner = Owner();
        var dead = await Dead(owner, 0, Decided(DeliveryStatus.Rejected));
        Backend.DamageState(dead.Id);

        var outcome = owner.Requeue(dead.Id, Now);

        Assert.That(outcome.Result, Is.EqualTo(RequeueResult.Failed));
        Assert.That(outcome.Error, Is.Not.Empty);
        Assert.That(owner.Find(dead.Id)!.Area, Is.EqualTo(SpoolArea.Dead));
        Assert.That(owner.UnfinishedIds(), Is.Empty);
    }

    [Test]
    public async Task RequeueAllDead_OneDamaged_OthersRequeuedOldestFirst()
    {
        var owner = Owner();
        var later = await Dead(owner, 20, Decided(DeliveryStatus.Expired));
        var damaged = await Dead(owner, 15, Decided(DeliveryStatus.Rejected));
        var earlier = await Dead(owner, 10, Decided(DeliveryStatus.RouteMissing));
        Backend.DamageState(damaged.Id);

        var outcomes = owner.RequeueAllDead(Now);

        Assert.That(outcomes.Select(o => (o.Id, o.Result)), Is.EqualTo(new[] { (earlier.Id, RequeueResult.Requeued), (damaged.Id, RequeueResult.Failed), (later.Id, RequeueResult.Requeued) }));
        Assert.That(owner.UnfinishedIds(), Is.EqualTo(new[] { earlier.Id, later.Id }));
    }

    [Test]
    public async Task PurgeDone_Cutoff_DeletesOnlyFinishedMessagesReceivedBefore()
    {
        var owner = Owner();
        var oldDone = await CommitMail(owner, 0);
        owner.Finish(oldDone, SpoolArea.Done);
        var newDone = await CommitMail(owner, 3600);
        owner.Finish(newDone, SpoolArea.Done);
        var oldDead = await Dead(owner, 1, Decided(DeliveryStatus.Rejected));
        var oldActive = await CommitMail(owner, 2);

        var outcome = Shared().PurgeDone(Received.AddMinutes(30));

        Assert.That(outcome.Deleted, Is.EqualTo(1));
        Assert.That(outcome.Failed, Is.Empty);
        Assert.That(owner.Find(oldDone.Id), Is.Null);
        Assert.That(owner.Find(newDone.Id)!.Area, Is.EqualTo(SpoolArea.Done));
        Assert.That(owner.Find(oldDead.Id)!.Area, Is.EqualTo(SpoolArea.Dead));
        Assert.That(owner.UnfinishedIds(), Is.EqualTo(new[] { oldActive.Id }));
        Assert.That(Shared().PurgeDone(Received.AddMinutes(30)).Deleted, Is.Zero);
    }

    [Test]
    public async Task List_AreaWithAnUnreadableState_ListsEveryMessageOldestFirstWithStateOrProblem()
    {
        var owner = Owner();
        var second = await Dead(owner, 20, Decided(DeliveryStatus.Rejected));
        var first = await Dead(owner, 10, new ProcessingState { Error = "unparseable" });
        Backend.DamageState(second.Id);

        var listing = Shared().List(SpoolArea.Dead);

        Assert.That(listing.Messages.Select(e => e.Message.Id), Is.EqualTo(new[] { first.Id, second.Id }));
        Assert.That(listing.Messages[0].State!.Error, Is.EqualTo("unparseable"));
        Assert.That(listing.Messages[1].State, Is.Null);
        Assert.That(listing.Messages[1].StateProblem, Is.Not.Empty);
        Assert.That(listing.Damaged, Is.Empty);
    }

    [Test]
    public async Task FindAndDocuments_UndecidedMessage_EnvelopeShownStateAbsent()
    {
        var owner = Owner();
        var message = await CommitMail(owner);

        var found = Shared().Find(message.Id);

        Assert.That(found!.Area, Is.EqualTo(SpoolArea.Active));
        Assert.That(found.State!.IsDecided, Is.False);
        var documents = Shared().Documents(found.Message);
        Assert.That(documents.Envelope, Does.Contain("bounce@example.com"));
        Assert.That(documents.State, Is.Null);
        Assert.That(Shared().FindDamaged(message.Id), Is.Null);
    }

    [Test]
    public void Cursors_WrittenThenRestarted_ReadAsLastWrittenPerKey()
    {
        var owner = Owner();
        var cursors = owner.Cursors("support-cases");
        Assert.That(cursors.Read("123456789012"), Is.Null);

        cursors.Write("123456789012", "{\"v\":1}"u8);
        cursors.Write("123456789012", "{\"v\":2}"u8);
        cursors.Write("210987654321", "{\"v\":9}"u8);

        var restarted = Restart(owner);
        var again = restarted.Cursors("support-cases");
        Assert.That(Encoding.UTF8.GetString(again.Read("123456789012")!), Is.EqualTo("{\"v\":2}"));
        Assert.That(Encoding.UTF8.GetString(again.Read("210987654321")!), Is.EqualTo("{\"v\":9}"));
        Assert.That(restarted.Cursors("other-poller").Read("123456789012"), Is.Null);
        Assert.That(again.Keys(), Is.EqualTo(new[] { "123456789012", "210987654321" }), "the keys, in ordinal order");
        Assert.That(restarted.Cursors("other-poller").Keys(), Is.Empty);
    }

    [Test]
    public void CursorKeys_AreOrdinal_AndOnlyThisPollers()
    {
        var owner = Owner();
        var cursors = owner.Cursors("coverage");
        foreach (var key in new[] { "sent-2", "arrived-1", "Z", "a_b", "a.b", "sent-10" })
        {
            cursors.Write(key, "{}"u8);
        }

        owner.Cursors("coverage-silence").Write("all", "{}"u8);

        Assert.That(cursors.Keys(), Is.EqualTo(new[] { "Z", "a.b", "a_b", "arrived-1", "sent-10", "sent-2" }));
        Assert.That(owner.Cursors("coverage-silence").Keys(), Is.EqualTo(new[] { "all" }));
    }

    [TestCase("../escape")]
    [TestCase(".hidden")]
    [TestCase("a/b")]
    [TestCase("")]
    public void Cursors_InvalidKey_ArgumentException(string key)
    {
        var cursors = Owner().Cursors("support-cases");

        Assert.That(() => cursors.Read(key), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => cursors.Write(key, "{}"u8), Throws.InstanceOf<ArgumentException>());
    }

    [TestCase("Upper")]
    [TestCase("../x")]
    [TestCase("a.b")]
    public void FeatureStateAndCursors_InvalidName_ArgumentException(string name)
    {
        var owner = Owner();

        Assert.That(() => owner.ReadFeatureState(name), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => owner.WriteFeatureState(name, "[]"u8), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => owner.Cursors(name), Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public void FeatureState_WrittenThenRestarted_ReadAsLastWritten()
    {
        var owner = Owner();
        Assert.That(owner.ReadFeatureState("pinned-keys"), Is.Null);

        owner.WriteFeatureState("pinned-keys", "[\"a\"]"u8);
        owner.WriteFeatureState("pinned-keys", "[\"b\"]"u8);

        Assert.That(Encoding.UTF8.GetString(Restart(owner).ReadFeatureState("pinned-keys")!), Is.EqualTo("[\"b\"]"));
    }

    [Test]
    public async Task Health_OwnerAndSharedView_OwnershipProbeAndCounts()
    {
        var owner = Owner();
        await CommitMail(owner);
        var shared = Shared();

        Assert.That((owner.IsOwner, shared.IsOwner), Is.EqualTo((true, false)));
        Assert.That((owner.TryLead("support-cases"), shared.TryLead("support-cases")), Is.EqualTo((true, false)));
        Assert.That(owner.OwnershipProblem(), Is.Null);
        Assert.That(owner.ProbeCommit(), Is.Null);
        Assert.That(Backend.Leftovers(), Is.Zero);
        Assert.That(owner.UnfinishedIds(), Has.Count.EqualTo(1));
        Assert.That(owner.Count(SpoolArea.Active), Is.EqualTo(1));
        Assert.That(owner.AvailableBytes(), Is.Positive);
    }

    [Test]
    public void OpenOwner_WhileAnotherOwnerIsOpen_RefusedWhenTheBackendHasOneOwner()
    {
        Owner();

        if (Backend.SingleOwner)
        {
            Assert.That(() => Owner(), Throws.Exception);
        }
        else
        {
            Assert.That(Owner().IsOwner, Is.True);
        }
    }
}
