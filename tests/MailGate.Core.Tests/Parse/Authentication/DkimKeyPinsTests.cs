using MailGate.Core.Parse.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Core.Tests.Parse.Authentication;

[TestFixture]
public sealed class DkimKeyPinsTests
{
    private readonly FakeTimeProvider _time = new();

    [Test]
    public void Pin_PastTheCap_DropsTheLeastRecentlyPinned()
    {
        var sut = new DkimKeyPins(_time, maxPinned: 2);

        sut.Pin(["a._domainkey.x.com"]);
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.Pin(["B._domainkey.x.com"]);
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.Pin(["a._domainkey.x.com"]);
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.Pin(["c._domainkey.x.com"]);

        Assert.That(sut.ByRecency, Is.EqualTo(new[] { "c._domainkey.x.com", "a._domainkey.x.com" }));
        Assert.That(sut.IsPinned("A._DOMAINKEY.X.COM"), Is.True);
        Assert.That(sut.IsPinned("b._domainkey.x.com"), Is.False);
    }

    [Test]
    public void Unpin_PinnedName_IsNoLongerPinned()
    {
        var sut = new DkimKeyPins(_time, maxPinned: 4);
        sut.Pin(["a._domainkey.x.com"]);

        sut.Unpin("a._domainkey.x.com");

        Assert.That(sut.Names, Is.Empty);
    }

    [TestCase(new[] { "s2._domainkey.google.com" }, true)]
    [TestCase(new[] { "s2._domainkey.google.com", "s1._domainkey.example.com" }, true)]
    [TestCase(new[] { "s2._domainkey.mail.google.com" }, false)]
    [TestCase(new[] { "s2._domainkey.google.com", "s1._domainkey.evil.example" }, false)]
    [TestCase(new string[0], false)]
    public void AllInPinnedDomains_Table(string[] names, bool expected)
    {
        var sut = new DkimKeyPins(_time, maxPinned: 4);
        sut.Pin(["20230601._domainkey.google.com", "sel._domainkey.example.com"]);

        Assert.That(sut.AllInPinnedDomains(names), Is.EqualTo(expected));
    }
}
