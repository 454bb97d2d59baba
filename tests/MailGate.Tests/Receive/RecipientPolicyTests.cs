using MailGate.Receive;

namespace MailGate.Tests.Receive;

[TestFixture]
public sealed class RecipientPolicyTests
{
    private static readonly RecipientPolicy Sut = new(["aws-incident1@mailgate.example.com", "@alerts.example.com", " Mixed@Example.org "]);

    [TestCase("aws-incident1@mailgate.example.com", true)]
    [TestCase("AWS-Incident1@MailGate.Example.com", true)]
    [TestCase("other@mailgate.example.com", false)]
    [TestCase("anyone@alerts.example.com", true)]
    [TestCase("anyone@ALERTS.example.com", true)]
    [TestCase("anyone@sub.alerts.example.com", false)]
    [TestCase("anyone@evilalerts.example.com", false)]
    [TestCase("mixed@example.org", true)]
    [TestCase("alerts.example.com", false)]
    [TestCase("@alerts.example.com", false)]
    [TestCase("", false)]
    public void Accepts_Table(string address, bool expected) => Assert.That(Sut.Accepts(address), Is.EqualTo(expected));

    [TestCase("user@example.com", true)]
    [TestCase("@example.com", true)]
    [TestCase("example.com", false)]
    [TestCase("user@", false)]
    [TestCase("a@b@c", false)]
    [TestCase("two words@example.com", false)]
    [TestCase("", false)]
    public void IsValidEntry_Table(string entry, bool expected) => Assert.That(RecipientPolicy.IsValidEntry(entry), Is.EqualTo(expected));
}
