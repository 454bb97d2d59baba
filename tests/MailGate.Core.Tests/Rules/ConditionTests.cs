using MailGate.Core.Parse;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class ConditionTests
{
    private static MessageFacts Facts(string sender, string subject) =>
        SomeFacts.Message() with { Sender = sender, Subject = subject };

    [TestCase("a@amazon.com", "Abuse Report 1", true)]
    [TestCase("a@amazon.com", "Invoice", false)]
    [TestCase("a@example.org", "Abuse Report 1", false)]
    public void SeveralFields_UnderWhen_MustAllHold(string sender, string subject, bool expected)
    {
        var when = "{ sender: { ends_with: '@amazon.com' }, subject: { contains: 'Abuse Report' } }";

        Assert.That(TestRules.Matches(when, Facts(sender, subject)), Is.EqualTo(expected));
    }

    [TestCase("a@amazon.com", "x", true)]
    [TestCase("a@example.org", "urgent", true)]
    [TestCase("a@example.org", "x", false)]
    public void Any_OneBranchHolds_Matches(string sender, string subject, bool expected)
    {
        var when = "{ any: [ { sender: { domain: amazon.com } }, { subject: { contains: urgent } } ] }";

        Assert.That(TestRules.Matches(when, Facts(sender, subject)), Is.EqualTo(expected));
    }

    [TestCase("a@amazon.com", "urgent", true)]
    [TestCase("a@amazon.com", "x", false)]
    [TestCase("a@example.org", "urgent", false)]
    public void All_EveryBranchHolds_Matches(string sender, string subject, bool expected)
    {
        var when = "{ all: [ { sender: { domain: amazon.com } }, { subject: { contains: urgent } } ] }";

        Assert.That(TestRules.Matches(when, Facts(sender, subject)), Is.EqualTo(expected));
    }

    [TestCase("a@amazon.com", false)]
    [TestCase("a@example.org", true)]
    public void Not_InnerHolds_DoesNotMatch(string sender, bool expected)
    {
        Assert.That(TestRules.Matches("{ not: { sender: { domain: amazon.com } } }", Facts(sender, "x")), Is.EqualTo(expected));
    }

    // any( all(amazon, abuse), not(any(example.org, billing)) ) and subject does not start with 'Re:'
    [TestCase("a@amazon.com", "Abuse Report", true)]
    [TestCase("a@amazon.com", "Re: Abuse Report", false)]
    [TestCase("a@amazon.com", "Billing", false)]
    [TestCase("a@other.example", "Hello", true)]
    [TestCase("a@other.example", "Your billing statement", false)]
    [TestCase("a@example.org", "Abuse Report", false)]
    public void Combinators_NestedDeeply_Compose(string sender, string subject, bool expected)
    {
        var when = """
            { any: [ { all: [ { sender: { domain: amazon.com } }, { subject: { contains: abuse } } ] },
                     { not: { any: [ { sender: { domain: example.org } }, { subject: { contains: billing } }, { sender: { domain: amazon.com } } ] } } ],
              not: { subject: { starts_with: 'Re:' } } }
            """;

        Assert.That(TestRules.Matches(when, Facts(sender, subject)), Is.EqualTo(expected));
    }

    [Test]
    public void Rule_WithoutWhen_MatchesEverything()
    {
        var rules = TestRules.Parse(TestRules.Head + "  - name: all\n    route: oncall\n");

        Assert.That(TestRules.SingleMatch(rules, SomeFacts.Message()).Rule, Is.EqualTo("all"));
    }

    [TestCase(new[] { "x@other.example", "aws-abuse@mailgate.example.com" }, true)]
    [TestCase(new[] { "AWS-Abuse@MailGate.example.com " }, true)]
    [TestCase(new[] { "x@other.example", "y@other.example" }, false)]
    [TestCase(new string[0], false)]
    public void Recipient_AnyRecipientMatching_Matches(string[] recipients, bool expected)
    {
        var facts = SomeFacts.Message() with { Recipients = recipients };

        Assert.That(TestRules.Matches("{ recipient: { equals: aws-abuse@mailgate.example.com } }", facts), Is.EqualTo(expected));
    }

    [TestCase("to")]
    [TestCase("cc")]
    public void ToAndCc_AnyAddressMatching_Matches(string field)
    {
        var addresses = (IReadOnlyList<string>)["a@example.org", "b@ops.example.com"];
        var facts = field == "to" ? SomeFacts.Message() with { To = addresses } : SomeFacts.Message() with { Cc = addresses };

        Assert.Multiple(() =>
        {
            Assert.That(TestRules.Matches($"{{ {field}: {{ domain: example.com }} }}", facts), Is.True);
            Assert.That(TestRules.Matches($"{{ {field}: {{ domain: example.net }} }}", facts), Is.False);
        });
    }

    [TestCase("{ to: { starts_with: a, ends_with: ops.example.com } }", false)]
    [TestCase("{ to: { starts_with: b, ends_with: ops.example.com } }", true)]
    public void MultiValuedField_SeveralOperators_MustHoldOnTheSameValue(string when, bool expected)
    {
        var facts = SomeFacts.Message() with { To = ["a@example.org", "b@ops.example.com"] };

        Assert.That(TestRules.Matches(when, facts), Is.EqualTo(expected));
    }

    [TestCase("X-Mailer", "{ header: { name: X-Mailer, contains: Amazon } }", true)]
    [TestCase("x-mailer", "{ header: { name: X-MAILER, contains: amazon } }", true)]
    [TestCase("X-Mailer", "{ header: { name: X-Other, contains: Amazon } }", false)]
    [TestCase("X-Mailer", "{ header: { name: X-Mailer, equals: Amazon SES } }", false)]
    [TestCase("X-Mailer", "{ header: { name: X-Mailer, equals: [Amazon SES, ' Amazon SES v2 '] } }", true)]
    public void Header_AnyValueOfNamedHeader_Matches(string headerName, string when, bool expected)
    {
        var facts = SomeFacts.Message() with
        {
            Headers = SomeFacts.Headers((headerName, "Outlook"), (headerName, "Amazon SES v2"), ("Subject", "Hello")),
        };

        Assert.That(TestRules.Matches(when, facts), Is.EqualTo(expected));
    }

    [Test]
    public void Header_Absent_DoesNotMatchButNotDoes()
    {
        var facts = SomeFacts.Message();

        Assert.Multiple(() =>
        {
            Assert.That(TestRules.Matches("{ header: { name: X-Absent, regex: '' } }", facts), Is.False);
            Assert.That(TestRules.Matches("{ not: { header: { name: X-Absent, regex: '' } } }", facts), Is.True);
        });
    }
}
