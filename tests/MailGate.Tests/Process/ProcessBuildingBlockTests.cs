using MailGate.Core.Messages;
using MailGate.Core.Deliver;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Deliver;
using MailGate.Process;
using MailGate.Spool;
using MailGate.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Process;

/// <summary>The small parts the processor is built of: the fair queue, the delivery clock, a message's state in memory, deferred verifications.</summary>
[TestFixture]
public sealed class ProcessBuildingBlockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task FairQueue_FloodUnderOneKey_AnotherKeysItemComesOutNext()
    {
        using var sut = new FairQueue<string>();
        for (var i = 0; i < 100; i++)
        {
            sut.Enqueue("203.0.113.0/24", $"hostile {i}");
        }

        sut.Enqueue("209.85.128.0/24", "genuine");

        Assert.That(await sut.DequeueAsync(CancellationToken.None), Is.EqualTo("hostile 0"));
        Assert.That(await sut.DequeueAsync(CancellationToken.None), Is.EqualTo("genuine"), "its turn comes after one item of the flood, not after all of it");
        Assert.That(await sut.DequeueAsync(CancellationToken.None), Is.EqualTo("hostile 1"));
        Assert.That(sut.Count, Is.EqualTo(98));
    }

    [Test]
    public async Task FairQueue_OneKey_KeepsOrder()
    {
        using var sut = new FairQueue<int>();
        foreach (var i in Enumerable.Range(0, 5))
        {
            sut.Enqueue("k", i);
        }

        var taken = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            taken.Add(await sut.DequeueAsync(CancellationToken.None));
        }

        Assert.That(taken, Is.EqualTo(Enumerable.Range(0, 5)));
    }

    [TestCase(0, 0, 1, 0, false, TestName = "IsExpired_NotYetMaxAge_No")]
    [TestCase(30, 0, 0, 20, false, TestName = "IsExpired_OldButNeverTriedHere_No")]
    [TestCase(30, 0, 1, 10, false, TestName = "IsExpired_OldTriedButHeldLessThanMinRetryTime_No")]
    [TestCase(30, 0, 1, 20, true, TestName = "IsExpired_OldTriedAndHeldLongEnough_Yes")]
    [TestCase(0, 0, 1, 24 * 60, true, TestName = "IsExpired_HeldForMaxAge_Yes")]
    [TestCase(-30, 0, 1, 23 * 60, false, TestName = "IsExpired_ClockWasBehindAtTakeUp_AgeNeverNegative_No")]
    [TestCase(0, 30, 1, 20, false, TestName = "IsExpired_ClockSteppedForward30HoursAfterTakeUp_No")]
    [TestCase(0, -30, 1, 24 * 60, true, TestName = "IsExpired_ClockSteppedBack30HoursAfterTakeUp_StillAtMaxAge")]
    public void DeliveryClock_IsExpired(int hoursOldAtTakeUp, int stepHours, int attemptsHere, int minutesHeld, bool expired)
    {
        var time = new FakeTimeProvider(Start);
        var clock = new SteppedClock(time);
        var settings = new PagerDutyOptions { MaxAge = TimeSpan.FromHours(24), MinRetryTime = TimeSpan.FromMinutes(15) };
        var sut = DeliveryClock.Now(clock);

        clock.Step(TimeSpan.FromHours(stepHours));
        time.Advance(TimeSpan.FromMinutes(minutesHeld));

        Assert.That(sut.IsExpired(clock, Start - TimeSpan.FromHours(hoursOldAtTakeUp), settings, attemptsHere), Is.EqualTo(expired));
    }

    [Test]
    public void MessageWork_WriteFails_KeepsTheStateInMemoryAndWritesItLater()
    {
        var store = new FaultyStateStore { FailWrites = true };
        var message = new SpooledMessage("019a7f3c2b10-5e0c9a1f", "/nonexistent", Envelope.ForMail("", [], Start, null, null));
        var pending = new DeliveryRecord { Rule = "r", Route = "x", Event = new PagerDutyEvent { DedupKey = "k", Payload = new PagerDutyPayload { Summary = "s", Source = "s", Severity = "info" } } };
        var sut = new MessageWork(message, new ProcessingState { DecidedAt = Start, Deliveries = [pending] }, store, written: true, DeliveryClock.Now(TimeProvider.System));
        sut.Dispatched = true;

        var finished = sut.Complete(0, pending with { Status = DeliveryStatus.Delivered, Attempts = 1 });

        Assert.That(finished, Is.True);
        Assert.That(sut.State.Deliveries[0].Status, Is.EqualTo(DeliveryStatus.Delivered), "PagerDuty's 202 is remembered");
        Assert.That((sut.IsWritten, sut.NeedsSettling), Is.EqualTo((false, true)));
        Assert.That(sut.LastWriteError, Is.InstanceOf<IOException>());

        store.FailWrites = false;
        Assert.That(sut.TryWrite(), Is.True);
        Assert.That(store.Written.Single().Deliveries[0].Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(sut.NeedsSettling, Is.True, "finished, not moved yet");
    }

    [Test]
    public void MessageWork_LeaseLostOnWrite_DropsIt_TellsOnce_AndOwesNothing()
    {
        var store = new FaultyStateStore { LeaseLost = true };
        var message = new SpooledMessage("019a7f3c2b10-5e0c9a1f", "/nonexistent", Envelope.ForMail("", [], Start, null, null));
        var pending = new DeliveryRecord { Rule = "r", Route = "x", Event = new PagerDutyEvent { DedupKey = "k", Payload = new PagerDutyPayload { Summary = "s", Source = "s", Severity = "info" } } };
        var lost = new List<string>();
        var sut = new MessageWork(message, new ProcessingState { DecidedAt = Start, Deliveries = [pending] }, store, written: false, DeliveryClock.Now(TimeProvider.System), lost.Add);

        Assert.That(sut.TryWrite(), Is.False);
        sut.Update(0, pending with { Attempts = 1 });
        Assert.That(sut.TryMove(SpoolArea.Dead, out _), Is.False, "never dead-lettered here");

        Assert.That(lost, Is.EqualTo(new[] { message.Id }), "told once: later writes are not tried");
        Assert.That((sut.IsDropped, sut.Dropping.IsCancellationRequested, sut.NeedsSettling, sut.IsMoved), Is.EqualTo((true, true, false, false)));
    }

    [TestCase(0, true, 60)]
    [TestCase(59, true, 1)]
    [TestCase(60, false, 0)]
    [TestCase(90, false, -30)]
    public void VerificationDeferrals_TryDefer_UntilTheWindowIsOver(int secondsLater, bool deferred, int remainingSeconds)
    {
        var time = new FakeTimeProvider(Start);
        var sut = new VerificationDeferrals(time);
        Assert.That(sut.TryDefer("m", TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), out _), Is.True, "the first failure");

        time.Advance(TimeSpan.FromSeconds(secondsLater));

        Assert.That(sut.TryDefer("m", TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), out var remaining), Is.EqualTo(deferred));
        Assert.That(remaining, Is.EqualTo(TimeSpan.FromSeconds(remainingSeconds)));
    }

    [Test]
    public void VerificationDeferrals_IsWaiting_UntilTheRetryIsDue()
    {
        var time = new FakeTimeProvider(Start);
        var sut = new VerificationDeferrals(time);
        sut.TryDefer("m", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), out _);

        Assert.That(sut.IsWaiting("m", time.GetTimestamp()), Is.True);
        Assert.That(sut.IsWaiting("other", time.GetTimestamp()), Is.False);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(sut.IsWaiting("m", time.GetTimestamp()), Is.False, "due: the next scan queues it");
    }

    [Test]
    public void VerificationDeferrals_KeepOnly_ForgetsMessagesNoLongerActive()
    {
        var time = new FakeTimeProvider(Start);
        var sut = new VerificationDeferrals(time);
        sut.TryDefer("gone", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), out _);
        sut.TryDefer("kept", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), out _);
        time.Advance(TimeSpan.FromMinutes(1));

        sut.KeepOnly(["kept"]);

        Assert.That(sut.TryDefer("gone", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), out var fresh), Is.True);
        Assert.That(sut.TryDefer("kept", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), out var left), Is.True);
        Assert.That((fresh, left), Is.EqualTo((TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(4))), "a fresh window for the one forgotten");
    }

    /// <summary>Records what it is asked to write; fails on demand like a read-only file system.</summary>
    private sealed class FaultyStateStore : IStateStore
    {
        public bool FailWrites { get; set; }

        public bool LeaseLost { get; set; }

        public List<ProcessingState> Written { get; } = [];

        public ProcessingState ReadState(StoredMessage message) => throw new NotSupportedException("MessageWork only writes and moves");

        public void WriteState(StoredMessage message, ProcessingState state)
        {
            if (FailWrites)
            {
                throw new IOException("Read-only file system");
            }

            if (LeaseLost)
            {
                throw new LeaseLostException(message.Id, "taken over");
            }

            Written.Add(state);
        }

        public StoredMessage Move(StoredMessage message, SpoolArea area) => message;
    }
}
