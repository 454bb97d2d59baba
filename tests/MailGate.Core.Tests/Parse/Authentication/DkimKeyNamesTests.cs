
using MailGate.Core.Parse.Authentication;

namespace MailGate.Core.Tests.Parse.Authentication;

[TestFixture]
public sealed class DkimKeyNamesTests
{
    [TestCase(null, "example.com", "sel", "sel._domainkey.example.com")]
    [TestCase("", " Example.COM. ", " Sel ", "sel._domainkey.example.com")]
    [TestCase("dns/txt", "example.com", "sel", "sel._domainkey.example.com")]
    [TestCase("other/x : DNS/TXT", "example.com", "sel", "sel._domainkey.example.com")]
    public void NameOf_Table(string? methods, string domain, string selector, string expected) =>
        Assert.That(DkimKeyNames.NameOf(methods, domain, selector), Is.EqualTo(expected));

    [TestCase("other/x", "example.com", "sel")]
    [TestCase(null, "", "sel")]
    [TestCase(null, "example.com", " ")]
    public void NameOf_NoSupportedMethodOrNoName_ThrowsNotFound(string? methods, string domain, string selector) =>
        Assert.That(() => DkimKeyNames.NameOf(methods, domain, selector), Throws.InstanceOf<DkimKeyNotFoundException>());

    [TestCase(null, null, "._domainkey.")]
    [TestCase("Example.com.", "S1", "s1._domainkey.example.com")]
    public void Format_Table(string? domain, string? selector, string expected) =>
        Assert.That(DkimKeyNames.Format(domain, selector), Is.EqualTo(expected));

    [TestCase("sel._domainkey.example.com", "example.com")]
    [TestCase("a.b._DomainKey.mail.example.com", "mail.example.com")]
    [TestCase("example.com", "example.com")]
    public void DomainOf_Table(string name, string expected) =>
        Assert.That(DkimKeyNames.DomainOf(name), Is.EqualTo(expected));
}
