using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class OperatorTests
{
    [TestCase("equals: hello", "hello", true)]
    [TestCase("equals: hello", "HeLLo", true)]
    [TestCase("equals: hello", "  hello \t", true)]
    [TestCase("equals: '  hello  '", "hello", true)]
    [TestCase("equals: hello", "hello world", false)]
    [TestCase("equals: hello", "", false)]
    [TestCase("equals: ''", "", true)]
    [TestCase("equals: [bye, hello]", "Hello", true)]
    [TestCase("equals: [bye, ciao]", "hello", false)]
    [TestCase("contains: Abuse Report", "Your AWS abuse report", true)]
    [TestCase("contains: Abuse Report", "Abuse  Report", true)]
    [TestCase("contains: Abuse Report", "AbuseReport", false)]
    [TestCase("contains: ' report '", "abuse report here", true)]
    [TestCase("contains: [invoice, abuse]", "ABUSE", true)]
    [TestCase("contains: [invoice, receipt]", "abuse", false)]
    [TestCase("starts_with: '[AWS]'", "[aws] something", true)]
    [TestCase("starts_with: '[AWS]'", "   [AWS] something", true)]
    [TestCase("starts_with: '[AWS]'", "Re: [AWS] something", false)]
    [TestCase("starts_with: ['Re:', 'Fwd:']", "fwd: x", true)]
    [TestCase("ends_with: '(urgent)'", "Disk full (URGENT)  ", true)]
    [TestCase("ends_with: '(urgent)'", "(urgent) disk full", false)]
    [TestCase("ends_with: [a, b]", "xyz", false)]
    [TestCase("regex: '^AWS ID \\d{12}$'", "aws id 123456789012", true)]
    [TestCase("regex: '^AWS ID \\d{12}$'", "  AWS ID 123456789012  ", true)]
    [TestCase("regex: '^AWS ID \\d{12}$'", "AWS ID 12345678901", false)]
    [TestCase("regex: ['^x$', 'report']", "Abuse REPORT", true)]
    [TestCase("regex: ['^x$', '^y$']", "z", false)]
    [TestCase("regex: ''", "", true)]
    public void Subject_Operator_MatchesAsExpected(string op, string subject, bool expected)
    {
        var matched = TestRules.Matches($"{{ subject: {{ {op} }} }}", SomeFacts.With("subject", subject));

        Assert.That(matched, Is.EqualTo(expected));
    }

    [TestCase("a@amazon.com", true)]
    [TestCase("a@AMAZON.COM", true)]
    [TestCase(" a@amazon.com ", true)]
    [TestCase("a@mail.amazon.com", true)]
    [TestCase("a@deep.mail.amazon.com", true)]
    [TestCase("a@amazon.com.", true)]
    [TestCase("a@notamazon.com", false)]
    [TestCase("a@amazon.com.evil.example", false)]
    [TestCase("amazon.com@evil.example", false)]
    [TestCase("a@b@amazon.com", true)]
    [TestCase("amazon.com", true)]
    [TestCase("a@amazon.co", false)]
    [TestCase("a@com", false)]
    [TestCase("", false)]
    public void Domain_Address_MatchesDomainAndSubdomainsOnly(string sender, bool expected)
    {
        var matched = TestRules.Matches("{ sender: { domain: amazon.com } }", SomeFacts.With("sender", sender));

        Assert.That(matched, Is.EqualTo(expected));
    }

    [TestCase("domain: '@amazon.com'")]
    [TestCase("domain: ' Amazon.COM '")]
    [TestCase("domain: '.amazon.com'")]
    [TestCase("domain: [example.net, amazon.com]")]
    public void Domain_OperandSpelling_IsNormalised(string op)
    {
        var matched = TestRules.Matches($"{{ sender: {{ {op} }} }}", SomeFacts.With("sender", "x@mail.amazon.com"));

        Assert.That(matched, Is.True);
    }

    [TestCase("sender")]
    [TestCase("from")]
    [TestCase("envelope_from")]
    [TestCase("recipient")]
    [TestCase("to")]
    [TestCase("cc")]
    [TestCase("subject")]
    [TestCase("body")]
    [TestCase("list_id")]
    [TestCase("message_id")]
    public void Field_ReadsItsOwnFact(string field)
    {
        var when = $"{{ {field}: {{ equals: 'needle@x.example' }} }}";

        Assert.Multiple(() =>
        {
            Assert.That(TestRules.Matches(when, SomeFacts.With(field, "Needle@X.example")), Is.True);
            Assert.That(TestRules.Matches(when, SomeFacts.Message()), Is.False);
        });
    }

    [TestCase("hello", true)]
    [TestCase("hello world", false)]
    [TestCase("say hello", false)]
    public void SeveralOperators_OnOneField_MustAllHold(string subject, bool expected)
    {
        var matched = TestRules.Matches(
            "{ subject: { starts_with: hel, ends_with: llo, contains: ell } }",
            SomeFacts.With("subject", subject));

        Assert.That(matched, Is.EqualTo(expected));
    }

    [Test]
    public void Regex_CatastrophicInput_DoesNotThrow()
    {
        var subject = new string('a', 50_000) + "!";

        var matched = TestRules.Matches("{ subject: { regex: '^(a+)+$' } }", SomeFacts.With("subject", subject));

        Assert.That(matched, Is.False);
    }
}
