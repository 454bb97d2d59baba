using MailGate.Outbound;

namespace MailGate.Tests.Outbound;

[TestFixture]
public sealed class SecretRedactorTests
{
    private const string Key = "R0123456789abcdef0123456789abcde";

    [TestCase("key R0123456789abcdef0123456789abcde is bad", "key [x] is bad", TestName = "Redact_AsIs_Redacted")]
    [TestCase("key R0123456789ABCDEF0123456789ABCDE is bad", "key [x] is bad", TestName = "Redact_UpperCase_Redacted")]
    [TestCase("key r0123456789abcdef0123456789abcde", "key [x]", TestName = "Redact_LowerCase_Redacted")]
    [TestCase("key r0123456789AbCdEf0123456789aBcDe", "key [x]", TestName = "Redact_MixedCase_Redacted")]
    [TestCase("routing_key=%52%30%31%32%33%34%35%36%37%38%39%61%62%63%64%65%66%30%31%32%33%34%35%36%37%38%39%61%62%63%64%65&x", "routing_key=[x]&x", TestName = "Redact_UrlEncoded_Redacted")]
    [TestCase(@"""\u0052\u0030123456789abcdef0123456789abcde""", @"""[x]""", TestName = "Redact_JsonEscapes_Redacted")]
    [TestCase(@"\x52\x30123456789ABCDEF0123456789abcde", "[x]", TestName = "Redact_HexEscapes_Redacted")]
    [TestCase("&#82;&#x30;123456789abcdef0123456789abcde", "[x]", TestName = "Redact_HtmlReferences_Redacted")]
    [TestCase("R0123456789abcdef0123456789abcdeR0123456789ABCDEF0123456789ABCDE", "[x][x]", TestName = "Redact_TwoInARow_BothRedacted")]
    [TestCase(@"""R0123456789abcdef0123456789ab\c\d\e""", @"""[x]""", TestName = "Redact_JsonBackslashEscapes_Redacted")]
    [TestCase("R0123456789abcdef0123456789abcd", "R0123456789abcdef0123456789abcd", TestName = "Redact_OneCharacterShort_Kept")]
    [TestCase("Event object is invalid", "Event object is invalid", TestName = "Redact_NoSecret_Unchanged")]
    [TestCase("%%%\\u00&#;&#x;\\x", "%%%\\u00&#;&#x;\\x", TestName = "Redact_BrokenEscapes_Unchanged")]
    public void Redact_Table(string text, string expected)
    {
        Assert.That(SecretRedactor.Redact(text, [Key], "[x]"), Is.EqualTo(expected));
    }

    [Test]
    public void Redact_SeveralSecretsAndNulls_RedactsEachIgnoresNullsAndShortOnes()
    {
        var text = "secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY token IQoJb3JpZ2luX2VjEXAMPLE short abc";

        var redacted = SecretRedactor.Redact(text, ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null, "IQoJb3JpZ2luX2VjEXAMPLE", "abc"], "[c]");

        Assert.That(redacted, Is.EqualTo("secret [c] token [c] short abc"));
    }

    [Test]
    public void Redact_NothingFound_ReturnsTheSameInstance()
    {
        const string text = "nothing to see";

        Assert.That(SecretRedactor.Redact(text, [Key], "[x]"), Is.SameAs(text));
    }
}
