using MailGate.Core.Decide;
using MailGate.Core.Rules;
using MailGate.Process;
using MailGate.Rules;
using MailGate.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Process;

/// <summary>The untrusted-page bounds: per sender, per client network, in all; sliding hour on the monotonic clock.</summary>
[TestFixture]
public sealed class UntrustedLimiterTests
{
    private FakeTimeProvider _time = null!;
    private SteppedClock _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        _clock = new SteppedClock(_time);
    }

    private static UntrustedTreatment Limits(int perSender = 5, int perNetwork = 10, int perHour = 20) =>
        UntrustedTreatment.Default with { MaxPerSenderPerHour = perSender, MaxPerClientNetworkPerHour = perNetwork, MaxPerHour = perHour };

    /// <summary>Issue #11 §1: 30 forged reports from abuse-0@amazon.com … abuse-29@amazon.com through one client.</summary>
    [Test]
    public void TryAcquire_ThirtyMadeUpSendersFromOneClient_StopsAtTheNetworkLimit()
    {
        var sut = new UntrustedLimiter(_clock);

        var verdicts = Enumerable.Range(0, 30).Select(i => sut.TryAcquire($"abuse-{i}@amazon.com", "203.0.113.9", Limits())).ToArray();

        Assert.That(verdicts.Count(v => v == UntrustedVerdict.Allowed), Is.EqualTo(10));
        Assert.That(verdicts.Skip(10), Has.All.EqualTo(UntrustedVerdict.ClientNetworkLimited));
    }

    [Test]
    public void TryAcquire_ManySendersFromManyNetworks_StopsAtTheGlobalLimit()
    {
        var sut = new UntrustedLimiter(_clock);

        var verdicts = Enumerable.Range(0, 30).Select(i => sut.TryAcquire($"abuse-{i}@amazon.com", $"198.51.{i}.1", Limits())).ToArray();

        Assert.That(verdicts.Count(v => v == UntrustedVerdict.Allowed), Is.EqualTo(20));
        Assert.That(verdicts.Skip(20), Has.All.EqualTo(UntrustedVerdict.GlobalLimited));
    }

    [Test]
    public void TryAcquire_OneSenderFromManyNetworks_StopsAtTheSenderLimit()
    {
        var sut = new UntrustedLimiter(_clock);

        var verdicts = Enumerable.Range(0, 8).Select(i => sut.TryAcquire("ec2-abuse@amazon.com", $"198.51.{i}.1", Limits())).ToArray();

        Assert.That(verdicts, Is.EqualTo(Enumerable.Repeat(UntrustedVerdict.Allowed, 5).Concat(Enumerable.Repeat(UntrustedVerdict.SenderLimited, 3))));
    }

    [Test]
    public void TryAcquire_Refused_CountsAgainstNoBound()
    {
        var sut = new UntrustedLimiter(_clock);
        for (var i = 0; i < 5; i++)
        {
            sut.TryAcquire("flood@amazon.com", "203.0.113.9", Limits());
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.That(sut.TryAcquire("flood@amazon.com", "203.0.113.9", Limits()), Is.EqualTo(UntrustedVerdict.SenderLimited));
        }

        Assert.That(sut.TryAcquire("other@amazon.com", "203.0.113.9", Limits()), Is.EqualTo(UntrustedVerdict.Allowed), "refused pages did not use up the network's budget");
    }

    [TestCase(59, false)]
    [TestCase(61, true)]
    public void TryAcquire_AfterAnHourOfMonotonicTime_AllowsAgain(int minutes, bool allowed)
    {
        var expected = allowed ? UntrustedVerdict.Allowed : UntrustedVerdict.ClientNetworkLimited;
        var sut = new UntrustedLimiter(_clock);
        sut.TryAcquire("a@amazon.com", "203.0.113.9", Limits(perNetwork: 1));

        _time.Advance(TimeSpan.FromMinutes(minutes));

        Assert.That(sut.TryAcquire("b@amazon.com", "203.0.113.9", Limits(perNetwork: 1)), Is.EqualTo(expected));
    }

    [TestCase(2)]
    [TestCase(-2)]
    public void TryAcquire_WallClockStep_NeitherFreesNorExtendsTheWindow(int hours)
    {
        var sut = new UntrustedLimiter(_clock);
        sut.TryAcquire("a@amazon.com", "203.0.113.9", Limits(perHour: 1));

        _clock.Step(TimeSpan.FromHours(hours));
        Assert.That(sut.TryAcquire("b@amazon.com", "198.51.100.1", Limits(perHour: 1)), Is.EqualTo(UntrustedVerdict.GlobalLimited));

        _time.Advance(TimeSpan.FromMinutes(61));
        Assert.That(sut.TryAcquire("b@amazon.com", "198.51.100.1", Limits(perHour: 1)), Is.EqualTo(UntrustedVerdict.Allowed));
    }
}
