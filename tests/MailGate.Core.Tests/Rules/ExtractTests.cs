using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class ExtractTests
{
    private static RuleSet CreateSut(string extract) => TestRules.Parse(TestRules.Head + $"""
          - name: t
            extract:
              {extract}
            summary: "[{"{id}"}]"
            route: oncall

        """);

    [TestCase(@"id: { subject: 'AWS ID:?\s*(?<v>\d{12})' }", "Abuse Report [AWS ID 123456789012]", "123456789012")]
    [TestCase(@"id: { subject: '(ID) (?<v>\d+)' }", "ID 42", "42")]
    [TestCase(@"id: { subject: 'ticket #(\d+) \((\w+)\)' }", "ticket #77 (open)", "77")]
    [TestCase(@"id: { subject: 'ticket #\d+' }", "re: ticket #77 (open)", "ticket #77")]
    [TestCase(@"id: { subject: 'ticket #(?<v>\d+)' }", "no ticket here", "")]
    [TestCase(@"id: { subject: 'n=(\d)' }", "n=1 n=2", "1")]
    public void Extract_Group_FollowsNamedThenFirstThenWhole(string extract, string subject, string expected)
    {
        var match = TestRules.SingleMatch(CreateSut(extract), SomeFacts.With("subject", subject));

        Assert.Multiple(() =>
        {
            Assert.That(match.Extracted["id"], Is.EqualTo(expected));
            Assert.That(match.Summary, Is.EqualTo($"[{expected}]"));
        });
    }

    [TestCase("Abuse Report [AWS ID 111111111111]", "AWS ID: 222222222222", "111111111111")]
    [TestCase("Abuse Report", "Details... AWS ID: 222222222222 ...", "222222222222")]
    [TestCase("Abuse Report", "nothing", "")]
    public void Extract_SeveralFields_FirstFieldThatMatchesWins(string subject, string body, string expected)
    {
        var sut = CreateSut(@"id: { subject: 'AWS ID:?\s*(?<v>\d{12})', body: 'AWS ID:?\s*(?<v>\d{12})' }");
        var facts = SomeFacts.Message() with { Subject = subject, Body = body };

        Assert.That(TestRules.SingleMatch(sut, facts).Extracted["id"], Is.EqualTo(expected));
    }

    [Test]
    public void Extract_MultiValuedField_UsesFirstMatchingValue()
    {
        var sut = CreateSut(@"id: { to: '^team-(?<v>\w+)@' }");
        var facts = SomeFacts.Message() with { To = ["boss@example.org", "team-red@example.org", "team-blue@example.org"] };

        Assert.That(TestRules.SingleMatch(sut, facts).Extracted["id"], Is.EqualTo("red"));
    }

    [Test]
    public void Extract_Header_ReadsNamedHeader()
    {
        var sut = CreateSut(@"id: { header: { name: x-ticket, regex: '(\d+)' } }");
        var facts = SomeFacts.Message() with { Headers = SomeFacts.Headers(("X-Ticket", "T-991")) };

        Assert.That(TestRules.SingleMatch(sut, facts).Extracted["id"], Is.EqualTo("991"));
    }

    [Test]
    public void Extract_SeveralNames_AllAvailable()
    {
        var sut = TestRules.Parse(TestRules.Head + """
              - name: t
                extract:
                  host: { subject: 'host=(\S+)' }
                  level: { body: 'level: (?<v>\w+)' }
                summary: "{level} on {host}"
                route: oncall
            """);
        var facts = SomeFacts.Message() with { Subject = "alert host=db1", Body = "level: CRIT" };

        var match = TestRules.SingleMatch(sut, facts);

        Assert.Multiple(() =>
        {
            Assert.That(match.Extracted, Is.EquivalentTo(new Dictionary<string, string> { ["host"] = "db1", ["level"] = "CRIT" }));
            Assert.That(match.Summary, Is.EqualTo("CRIT on db1"));
        });
    }

    [Test]
    public void Extract_None_GivesEmptyDictionary()
    {
        var sut = TestRules.Parse(TestRules.Head + "  - name: t\n    route: oncall\n");

        Assert.That(TestRules.SingleMatch(sut, SomeFacts.Message()).Extracted, Is.Empty);
    }

    [Test]
    public void Extract_NoMatchInHugeBody_GivesEmpty()
    {
        var sut = CreateSut(@"id: { body: '(a|aa)+$' }");
        MessageFacts facts = SomeFacts.Message() with { Body = new string('a', 100_000) + "b" };

        Assert.That(TestRules.SingleMatch(sut, facts).Extracted["id"], Is.Empty);
    }
}
