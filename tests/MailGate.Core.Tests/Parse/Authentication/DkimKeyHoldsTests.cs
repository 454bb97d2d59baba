
using MailGate.Core.Parse.Authentication;

namespace MailGate.Core.Tests.Parse.Authentication;

[TestFixture]
public sealed class DkimKeyHoldsTests
{
    private const string Name = "sel._domainkey.example.com";

    [Test]
    public void Hold_TwoMessagesHoldOneName_HeldUntilBothAreDone()
    {
        var sut = new DkimKeyHolds();
        var first = sut.Hold([Name]);
        var second = sut.Hold(["SEL._domainkey.Example.com"]);

        first.Dispose();
        Assert.That(sut.IsHeld(Name), Is.True);
        second.Dispose();
        Assert.That(sut.IsHeld(Name), Is.False);
    }

    [Test]
    public void Dispose_Twice_ReleasesOnlyItsOwnHold()
    {
        var sut = new DkimKeyHolds();
        var first = sut.Hold([Name, Name]);
        using var second = sut.Hold([Name]);

        first.Dispose();
        first.Dispose();

        Assert.That(sut.IsHeld(Name), Is.True);
    }
}
