using MailGate.Receive;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Receive;

/// <summary>
/// One reused deadline per session behaves like a fresh one per read: each read gets the whole idle timeout, a
/// passed deadline is replaced at the next read, the caller's cancellation still reaches the read.
/// </summary>
[TestFixture]
public sealed class ReadDeadlineTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(2);

    private FakeTimeProvider _time = null!;
    private ReadDeadline _deadline = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        _deadline = new ReadDeadline(Idle, _time);
    }

    [TearDown]
    public void TearDown() => _deadline.Dispose();

    [TestCase(119, false)]
    [TestCase(120, true)]
    [TestCase(600, true)]
    public void OneRead_CancelledOnlyOnceTheWholeTimeoutHasPassed(int seconds, bool cancelled)
    {
        var token = _deadline.Arm(CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(seconds));

        Assert.That((token.IsCancellationRequested, _deadline.Passed), Is.EqualTo((cancelled, cancelled)));
    }

    [Test]
    public void ManyReads_EachUnderTheTimeout_NeverCancelled_ThoughTheirSumIsFarOver()
    {
        for (var read = 0; read < 10; read++)
        {
            var token = _deadline.Arm(CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(110));
            Assert.That(token.IsCancellationRequested, Is.False, $"read {read}");
            _deadline.Disarm();
        }
    }

    [Test]
    public void Disarmed_BetweenReads_TheTimeSpentElsewhereDoesNotCount()
    {
        var token = _deadline.Arm(CancellationToken.None);
        _deadline.Disarm();

        _time.Advance(TimeSpan.FromHours(1));

        Assert.That(token.IsCancellationRequested, Is.False);
        Assert.That(_deadline.Arm(CancellationToken.None).IsCancellationRequested, Is.False);
    }

    [Test]
    public void Passed_ThenArmedAgain_TheNextReadGetsAFreshWholeTimeout()
    {
        _deadline.Arm(CancellationToken.None);
        _time.Advance(Idle);
        _deadline.Disarm();

        var next = _deadline.Arm(CancellationToken.None);
        _time.Advance(Idle - TimeSpan.FromSeconds(1));

        Assert.That((next.IsCancellationRequested, _deadline.Passed), Is.EqualTo((false, false)));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(next.IsCancellationRequested, Is.True);
    }

    [Test]
    public void CallersToken_CancelsTheRead_ButIsNotAPassedDeadline()
    {
        using var session = new CancellationTokenSource();
        var token = _deadline.Arm(session.Token);

        session.Cancel();

        Assert.That((token.IsCancellationRequested, _deadline.Passed), Is.EqualTo((true, false)));
    }

    [Test]
    public void AnotherCallersToken_IsLinkedForThatRead()
    {
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        _deadline.Arm(first.Token);
        _deadline.Disarm();

        var token = _deadline.Arm(second.Token);
        second.Cancel();

        Assert.That(token.IsCancellationRequested, Is.True);
    }

    /// <summary>
    /// A timer callback can run after its timer was changed: the system timer queue hands due callbacks to the thread
    /// pool, and a busy pool runs them late. The deadline of a read that got its bytes just in time must not cut the
    /// next read, which has its whole timeout (it did, through the shared source's own timer: a 421 to a live client).
    /// </summary>
    [Test]
    public void LateCallbackOfAReadThatEndedInTime_DoesNotCutTheNextRead()
    {
        var late = new LateTimers(_time);
        using var deadline = new ReadDeadline(Idle, late);
        deadline.Arm(CancellationToken.None);
        _time.Advance(Idle); // due: its callback is queued, not run yet
        deadline.Disarm(); // the read's bytes came first

        var next = deadline.Arm(CancellationToken.None);
        late.RunQueued();

        Assert.That((next.IsCancellationRequested, deadline.Passed), Is.EqualTo((false, false)));
        _time.Advance(Idle - TimeSpan.FromSeconds(1));
        late.RunQueued();
        Assert.That(next.IsCancellationRequested, Is.False, "still within its own timeout");
        _time.Advance(TimeSpan.FromSeconds(1));
        late.RunQueued();
        Assert.That((next.IsCancellationRequested, deadline.Passed), Is.EqualTo((true, true)), "silent for its whole timeout");
    }

    /// <summary>A callback that runs before the read's deadline (stale, or a timer early by a coarse clock tick) neither cuts the read nor loses its deadline.</summary>
    [Test]
    public void CallbackRunningBeforeTheDeadline_NeitherCutsTheReadNorLosesItsDeadline()
    {
        var early = new LateTimers(_time);
        using var deadline = new ReadDeadline(Idle, early);
        var token = deadline.Arm(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(100));

        early.RunAllTimersNow();

        Assert.That(token.IsCancellationRequested, Is.False);
        _time.Advance(TimeSpan.FromSeconds(20));
        early.RunQueued();
        Assert.That(token.IsCancellationRequested, Is.True);
    }

    [Test]
    public void Disposed_ArmRefuses_DisarmIsHarmless()
    {
        var token = _deadline.Arm(CancellationToken.None);

        _deadline.Dispose();

        Assert.That(_deadline.Disarm, Throws.Nothing, "a read ending after the session");
        Assert.That(() => _deadline.Arm(CancellationToken.None), Throws.TypeOf<ObjectDisposedException>());
        _time.Advance(Idle);
        Assert.That(token.IsCancellationRequested, Is.False, "the timer is gone with it");
    }

    /// <summary>
    /// Timers of <paramref name="time"/> whose callbacks, once due, wait in a queue until <see cref="RunQueued"/>,
    /// however the timer is changed meanwhile: as the system timer queue's callbacks wait for a thread-pool thread.
    /// </summary>
    private sealed class LateTimers(FakeTimeProvider time) : TimeProvider
    {
        private readonly Queue<Action> _queued = new();
        private readonly List<Action> _all = [];

        public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

        public override long GetTimestamp() => time.GetTimestamp();

        public override long TimestampFrequency => time.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _all.Add(() => callback(state));
            return time.CreateTimer(s => _queued.Enqueue(() => callback(s)), state, dueTime, period);
        }

        public void RunQueued()
        {
            while (_queued.TryDequeue(out var callback))
            {
                callback();
            }
        }

        /// <summary>Runs every timer's callback now, due or not (a timer that fires early).</summary>
        public void RunAllTimersNow() => _all.ForEach(c => c());
    }
}
