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
}
