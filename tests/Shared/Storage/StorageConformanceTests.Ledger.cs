using MailGate.Core.Deliver;
using MailGate.Core.Messages;
using MailGate.Core.Storage;

namespace MailGate.Tests.Shared.Storage;

/// <summary>
/// The conformance tests of the delivery ledger (<see cref="IDeliveryLedger"/>): reserve, accept, duplicate, wait,
/// take-over, release, retention and sweep, on a clock the test drives, and two reservations racing.
/// </summary>
public abstract partial class StorageConformanceTests
{
    private const string LedgerKey = "0123456789abcdef0123456789abcdef";
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);
    private static readonly DateTimeOffset LedgerNow = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);

    private static LedgerReservation Reserve(IDeliveryLedger ledger, StoredMessage message, DateTimeOffset now) =>
        ledger.Reserve(LedgerKey, message.Id, now, now - Retention);

    [Test]
    public async Task Ledger_ReserveAcceptAndCopies_OneHolderTheOthersDuplicatesButNeverItself()
    {
        var storage = Owner();
        var first = await CommitMail(storage, 0);
        var copy = await CommitMail(storage, 1);

        Assert.That(Reserve(storage, first, LedgerNow), Is.EqualTo(new LedgerReservation(LedgerVerdict.Reserved, first.Id, null)));
        Assert.That(Reserve(storage, first, LedgerNow), Is.EqualTo(new LedgerReservation(LedgerVerdict.Reserved, first.Id, null)), "asking again: still its own");
        Assert.That(Reserve(storage, copy, LedgerNow), Is.EqualTo(new LedgerReservation(LedgerVerdict.Held, first.Id, null)), "the holder is unfinished: wait");

        storage.Accept(LedgerKey, first.Id, LedgerNow.AddSeconds(2));

        Assert.That(Reserve(storage, copy, LedgerNow.AddSeconds(3)), Is.EqualTo(new LedgerReservation(LedgerVerdict.Accepted, first.Id, LedgerNow.AddSeconds(2))));
        Assert.That(Reserve(storage, first, LedgerNow.AddSeconds(3)).Verdict, Is.EqualTo(LedgerVerdict.Reserved), "a message resumed after a crash is not a duplicate of itself");
        storage = Restart(storage);
        Assert.That(Reserve(storage, copy, LedgerNow.AddDays(1)), Is.EqualTo(new LedgerReservation(LedgerVerdict.Accepted, first.Id, LedgerNow.AddSeconds(2))), "kept across a restart");
    }

    [TestCase(SpoolArea.Dead, LedgerVerdict.Reserved, TestName = "Ledger_HolderFinishedUnaccepted_Dead_TakenOver")]
    [TestCase(SpoolArea.Corrupt, LedgerVerdict.Reserved, TestName = "Ledger_HolderFinishedUnaccepted_Corrupt_TakenOver")]
    [TestCase(SpoolArea.Done, LedgerVerdict.Accepted, TestName = "Ledger_HolderFinishedUnaccepted_Done_CountsAsAccepted")]
    public async Task Ledger_HolderFinishedUnaccepted(SpoolArea area, LedgerVerdict expected)
    {
        var storage = Owner();
        var holder = await CommitMail(storage, 0);
        var copy = await CommitMail(storage, 1);
        storage.WriteState(holder, Decided(DeliveryStatus.Rejected));
        Assert.That(Reserve(storage, holder, LedgerNow).Verdict, Is.EqualTo(LedgerVerdict.Reserved));

        storage.Finish(holder, area);

        var answer = Reserve(storage, copy, LedgerNow.AddMinutes(1));
        Assert.That(answer.Verdict, Is.EqualTo(expected));
        Assert.That(answer.HolderId, Is.EqualTo(expected == LedgerVerdict.Reserved ? copy.Id : holder.Id));
    }

    [Test]
    public async Task Ledger_TakenOverFromARequeuedHolder_TheOldHolderNowWaits()
    {
        var storage = Owner();
        var holder = await CommitMail(storage, 0);
        var copy = await CommitMail(storage, 1);
        storage.WriteState(holder, Decided(DeliveryStatus.Rejected));
        Reserve(storage, holder, LedgerNow);
        storage.Finish(holder, SpoolArea.Dead);
        Assert.That(Reserve(storage, copy, LedgerNow).Verdict, Is.EqualTo(LedgerVerdict.Reserved));

        Assert.That(storage.Requeue(holder.Id, LedgerNow).Result, Is.EqualTo(RequeueResult.Requeued));

        Assert.That(Reserve(storage, holder, LedgerNow), Is.EqualTo(new LedgerReservation(LedgerVerdict.Held, copy.Id, null)));
    }

    [Test]
    public async Task Ledger_Release_OnlyTheHoldersUnacceptedReservation()
    {
        var storage = Owner();
        var holder = await CommitMail(storage, 0);
        var copy = await CommitMail(storage, 1);
        Reserve(storage, holder, LedgerNow);

        storage.Release(LedgerKey, copy.Id);
        Assert.That(Reserve(storage, copy, LedgerNow).Verdict, Is.EqualTo(LedgerVerdict.Held), "another message's release changes nothing");

        storage.Release(LedgerKey, holder.Id);
        Assert.That(Reserve(storage, copy, LedgerNow).Verdict, Is.EqualTo(LedgerVerdict.Reserved));

        storage.Accept(LedgerKey, copy.Id, LedgerNow);
        storage.Release(LedgerKey, copy.Id);
        Assert.That(Reserve(storage, holder, LedgerNow).Verdict, Is.EqualTo(LedgerVerdict.Accepted), "an accepted entry is never released");
    }

    [TestCase(29, LedgerVerdict.Accepted)]
    [TestCase(31, LedgerVerdict.Reserved)]
    public async Task Ledger_Retention_ACopyAfterItTriggersAgain(int daysLater, LedgerVerdict expected)
    {
        var storage = Owner();
        var first = await CommitMail(storage, 0);
        var copy = await CommitMail(storage, 1);
        Reserve(storage, first, LedgerNow);
        storage.Accept(LedgerKey, first.Id, LedgerNow);

        Assert.That(Reserve(storage, copy, LedgerNow.AddDays(daysLater)).Verdict, Is.EqualTo(expected));
    }

    /// <summary>
    /// A holder still retrying (PagerDuty:MaxAge, 24 h, may be longer than a short Spool:LedgerRetention) keeps its
    /// unaccepted reservation: forgetting or sweeping it let a copy send while the holder still sent too.
    /// </summary>
    [Test]
    public async Task Ledger_UnacceptedReservationOfAnUnfinishedHolder_OutlivesTheRetention()
    {
        var storage = Owner();
        var holder = await CommitMail(storage, 0);
        var copy = await CommitMail(storage, 1);
        Reserve(storage, holder, LedgerNow);

        Assert.That(storage.SweepLedger(LedgerNow.AddDays(60)), Is.Zero, "the holder is unfinished: not swept");
        Assert.That(Reserve(storage, copy, LedgerNow.AddDays(31)), Is.EqualTo(new LedgerReservation(LedgerVerdict.Held, holder.Id, null)), "nor forgotten");

        storage.WriteState(holder, Decided(DeliveryStatus.Rejected));
        storage.Finish(holder, SpoolArea.Dead);
        Assert.That(storage.SweepLedger(LedgerNow.AddDays(60)), Is.EqualTo(1), "finished: swept as any other");
    }

    [Test]
    public async Task Ledger_Sweep_DeletesOnlyEntriesOlderThanTheCutoff()
    {
        var storage = Owner();
        var old = await CommitMail(storage, 0);
        var recent = await CommitMail(storage, 1);
        var copy = await CommitMail(storage, 2);
        storage.Accept("aaaa", old.Id, LedgerNow);
        storage.Accept(LedgerKey, recent.Id, LedgerNow.AddDays(10));

        Assert.That(storage.SweepLedger(LedgerNow), Is.Zero, "nothing older than the cutoff");
        Assert.That(storage.SweepLedger(LedgerNow.AddDays(5)), Is.EqualTo(1));
        Assert.That(storage.SweepLedger(LedgerNow.AddDays(5)), Is.Zero, "idempotent");

        Assert.That(storage.Reserve("aaaa", copy.Id, LedgerNow.AddDays(6), DateTimeOffset.MinValue).Verdict, Is.EqualTo(LedgerVerdict.Reserved), "swept: forgotten even without retention");
        Assert.That(storage.Reserve(LedgerKey, copy.Id, LedgerNow.AddDays(6), DateTimeOffset.MinValue).Verdict, Is.EqualTo(LedgerVerdict.Accepted));
    }

    [Test]
    public async Task Ledger_TwoCopiesReserveAtOnce_ExactlyOneReserved()
    {
        var storage = Owner();
        var messages = new List<StoredMessage>();
        for (var i = 0; i < 8; i++)
        {
            messages.Add(await CommitMail(storage, i));
        }

        using var start = new Barrier(messages.Count);
        var answers = await Task.WhenAll(messages.Select(m => Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(10));
            return Reserve(storage, m, LedgerNow);
        })));

        Assert.That(answers.Count(a => a.Verdict == LedgerVerdict.Reserved), Is.EqualTo(1));
        var holder = answers.Single(a => a.Verdict == LedgerVerdict.Reserved).HolderId;
        Assert.That(answers.Where(a => a.Verdict != LedgerVerdict.Reserved), Has.All.EqualTo(new LedgerReservation(LedgerVerdict.Held, holder, null)));
    }

    [TestCase("", TestName = "Ledger_InvalidKey_Empty")]
    [TestCase("UPPER", TestName = "Ledger_InvalidKey_UpperCase")]
    [TestCase("../x", TestName = "Ledger_InvalidKey_Path")]
    public async Task Ledger_InvalidKey_Refused(string key)
    {
        var storage = Owner();
        var message = await CommitMail(storage, 0);
        Assert.That(() => storage.Reserve(key, message.Id, LedgerNow, LedgerNow), Throws.ArgumentException);
        Assert.That(() => storage.Accept(key, message.Id, LedgerNow), Throws.ArgumentException);
        Assert.That(() => storage.Reserve(LedgerKey, "not-an-id", LedgerNow, LedgerNow), Throws.ArgumentException);
    }
}
