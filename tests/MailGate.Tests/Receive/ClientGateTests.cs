using System.Net;
using MailGate.Receive;

namespace MailGate.Tests.Receive;

[TestFixture]
public sealed class ClientGateTests
{
    [TestCase("192.0.2.0/24", true)]
    [TestCase("209.85.128.0/17", true)]
    [TestCase("2607:f8b0::/32", true)]
    [TestCase(" 192.0.2.7 ", true)]
    [TestCase("2001:db8::1", true)]
    [TestCase("0.0.0.0/0", true)]
    [TestCase("192.0.2.1/24", false)]
    [TestCase("192.0.2.0/33", false)]
    [TestCase("192.0.2.0/", false)]
    [TestCase("mail.google.com", false)]
    [TestCase("", false)]
    public void TryParseNetwork_Table(string entry, bool expected) =>
        Assert.That(ClientGate.TryParseNetwork(entry, out _), Is.EqualTo(expected));

    [TestCase("192.0.2.9", "Admitted")]
    [TestCase("::ffff:192.0.2.9", "Admitted")]
    [TestCase("198.51.100.1", "Admitted")]
    [TestCase("198.51.100.2", "NotAllowed")]
    [TestCase("192.0.3.1", "NotAllowed")]
    [TestCase("2001:db8:ffff::1", "Admitted")]
    [TestCase("2001:db9::1", "NotAllowed")]
    public void TryAdmit_AllowList_Table(string client, string expected)
    {
        var sut = new ClientGate(["192.0.2.0/24", "198.51.100.1", "2001:db8::/32"], maxConnections: 10, maxPerClient: 10);

        Assert.That(sut.TryAdmit(IPAddress.Parse(client), out _).ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void TryAdmit_EmptyAllowList_AdmitsEveryone()
    {
        var sut = new ClientGate([], maxConnections: 10, maxPerClient: 10);

        Assert.That(sut.TryAdmit(IPAddress.Parse("203.0.113.5"), out _), Is.EqualTo(Admission.Admitted));
    }

    [Test]
    public void TryAdmit_PerClientLimit_RefusesThatClientOnly_UntilALeaseIsReleased()
    {
        var sut = new ClientGate([], maxConnections: 10, maxPerClient: 2);
        var a = IPAddress.Parse("192.0.2.1");

        Assert.That(sut.TryAdmit(a, out var first), Is.EqualTo(Admission.Admitted));
        Assert.That(sut.TryAdmit(IPAddress.Parse("::ffff:192.0.2.1"), out _), Is.EqualTo(Admission.Admitted), "a mapped IPv4 address is the same client");
        Assert.That(sut.TryAdmit(a, out _), Is.EqualTo(Admission.TooManyFromClient));
        Assert.That(sut.TryAdmit(IPAddress.Parse("192.0.2.2"), out _), Is.EqualTo(Admission.Admitted));

        first!.Dispose();
        first.Dispose();

        Assert.That(sut.Open, Is.EqualTo(2), "disposing a lease twice releases it once");
        Assert.That(sut.TryAdmit(a, out _), Is.EqualTo(Admission.Admitted));
        Assert.That(sut.TryAdmit(a, out _), Is.EqualTo(Admission.TooManyFromClient));
    }

    [Test]
    public void TryAdmit_PerClientLimit_CountsAnIpv6Slash64AsOneClient()
    {
        // One host's /64 holds 2^64 addresses: a limit per address would not limit it at all.
        var sut = new ClientGate([], maxConnections: 10, maxPerClient: 2);

        Assert.That(sut.TryAdmit(IPAddress.Parse("2001:db8:1:2::1"), out var first), Is.EqualTo(Admission.Admitted));
        Assert.That(sut.TryAdmit(IPAddress.Parse("2001:db8:1:2:ffff::9"), out _), Is.EqualTo(Admission.Admitted));
        Assert.That(sut.TryAdmit(IPAddress.Parse("2001:db8:1:2::3"), out _), Is.EqualTo(Admission.TooManyFromClient));
        Assert.That(sut.TryAdmit(IPAddress.Parse("2001:db8:1:3::1"), out _), Is.EqualTo(Admission.Admitted), "the next /64 is another client");

        first!.Dispose();

        Assert.That(sut.TryAdmit(IPAddress.Parse("2001:db8:1:2::3"), out _), Is.EqualTo(Admission.Admitted));
    }

    [TestCase("192.0.2.77", "192.0.2.77")]
    [TestCase("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::")]
    [TestCase("2001:db8::1", "2001:db8::")]
    [TestCase("::1", "::")]
    public void ClientOf_Table(string address, string expected) =>
        Assert.That(ClientGate.ClientOf(IPAddress.Parse(address)), Is.EqualTo(IPAddress.Parse(expected)));

    [Test]
    public void TryAdmit_GlobalLimit_RefusesEveryone_UntilALeaseIsReleased()
    {
        var sut = new ClientGate([], maxConnections: 2, maxPerClient: 2);

        Assert.That(sut.TryAdmit(IPAddress.Parse("192.0.2.1"), out var first), Is.EqualTo(Admission.Admitted));
        Assert.That(sut.TryAdmit(IPAddress.Parse("192.0.2.2"), out _), Is.EqualTo(Admission.Admitted));
        Assert.That(sut.TryAdmit(IPAddress.Parse("192.0.2.3"), out var refused), Is.EqualTo(Admission.TooManyConnections));
        Assert.That(refused, Is.Null);

        first!.Dispose();

        Assert.That(sut.TryAdmit(IPAddress.Parse("192.0.2.3"), out _), Is.EqualTo(Admission.Admitted));
    }
}
