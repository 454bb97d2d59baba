using MailGate.Core.Tests.Rules.Support;
using MailGate.Parse;
using MailGate.Rules;

namespace MailGate.Core.Tests.Rules;

/// <summary>The rules/rules.yaml the image ships, copied to the test output as Fixtures/shipped-rules.yaml.</summary>
[TestFixture]
public class ShippedRulesTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";

    private static string ShippedPath => Path.Combine(TestContext.CurrentContext.WorkDirectory, "Fixtures", "shipped-rules.yaml");

    private static RuleSet CreateSut() =>
        RulesLoader.Load(ShippedPath, new RulesLoadOptions { Environment = n => n == "PAGERDUTY_ROUTING_KEY" ? Key : null });

    private static MessageFacts Mail(string to, string sender, string subject, string body = "") =>
        SomeFacts.Message() with { Recipients = [to], Sender = sender, From = sender, Subject = subject, Body = body };

    [Test]
    public void Load_ShippedFile_HasOneRouteAndExplicitDropLast()
    {
        var sut = CreateSut();

        Assert.Multiple(() =>
        {
            Assert.That(sut.Routes["security-oncall"].PagerDuty, Is.EqualTo(new PagerDutyTarget(Key, "critical", null)));
            Assert.That(sut.Rules[0].Name, Is.EqualTo("aws-abuse-report"));
            Assert.That(sut.Rules[^1].Name, Is.EqualTo("everything-else"));
            Assert.That(sut.Rules[^1].Drop, Is.True);
            Assert.That(sut.Rules[^1].When, Is.Null);
        });
    }

    [TestCase("Abuse Report [AWS ID 123456789012]", "", "123456789012")]
    [TestCase("Your Amazon EC2 Abuse Report", "Hello,\nAWS ID: 210987654321\nRegards", "210987654321")]
    [TestCase("Your Amazon EC2 Abuse Report", "no id", "")]
    public void Evaluate_AbuseReportFromAmazon_PagesWithAccountId(string subject, string body, string account)
    {
        var facts = Mail("aws-abuse@mailgate.example.com", "ec2-abuse@amazon.com", subject, body);

        var match = TestRules.SingleMatch(CreateSut(), facts);

        Assert.Multiple(() =>
        {
            Assert.That((match.Rule, match.Route, match.Severity), Is.EqualTo(("aws-abuse-report", "security-oncall", "critical")));
            Assert.That(match.Extracted["account_id"], Is.EqualTo(account));
            Assert.That(match.Summary, Is.EqualTo($"AWS abuse report for account {account}: {subject}"));
            Assert.That(match.DedupKey, Does.Match("^mailgate-aws-abuse-report-[0-9a-f]{32}$"));
        });
    }

    [TestCase("aws-abuse@mailgate.example.com", "billing@amazon.com", "Your AWS invoice is available")]
    [TestCase("aws-abuse@mailgate.example.com", "abuse@amazon.com.evil.example", "Abuse Report")]
    [TestCase("aws-abuse@mailgate.example.com", "abuse@notamazon.com", "Abuse Report")]
    [TestCase("someone@mailgate.example.com", "abuse@amazon.com", "Abuse Report")]
    public void Evaluate_OtherMail_IsDroppedByEverythingElse(string to, string sender, string subject)
    {
        var decision = RuleEvaluator.Evaluate(CreateSut(), Mail(to, sender, subject));

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsDropped, Is.True);
            Assert.That(decision.DroppedBy, Is.EqualTo("everything-else"));
        });
    }

    [TestCase("billing@amazon.com", "Your AWS invoice is available")]
    [TestCase("alerts@monitoring.example", "CPU high")]
    public void Evaluate_AnythingToIncidentAddress_Pages(string sender, string subject)
    {
        var match = TestRules.SingleMatch(CreateSut(), Mail("aws-incident1@mailgate.example.com", sender, subject));

        Assert.Multiple(() =>
        {
            Assert.That((match.Rule, match.Route), Is.EqualTo(("aws-incident", "security-oncall")));
            Assert.That(match.Summary, Is.EqualTo(subject));
        });
    }

    [Test]
    public void Load_ShippedFileWithoutKeyInDryRun_LoadsWithMissingVariable()
    {
        var sut = RulesLoader.Load(ShippedPath, new RulesLoadOptions { Environment = _ => null, AllowMissingRoutingKeys = true });

        Assert.That(sut.Routes["security-oncall"].PagerDuty.MissingVariable, Is.EqualTo("PAGERDUTY_ROUTING_KEY"));
    }
}
