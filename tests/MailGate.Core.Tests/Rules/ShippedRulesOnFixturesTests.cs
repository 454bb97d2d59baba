using MailGate.Parse;
using MailGate.Rules;
using MailGate.Spool;

namespace MailGate.Core.Tests.Rules;

/// <summary>
/// Every fixture through the shipped rules, as the gateway would decide it for each of its two
/// addresses. Offline, so nothing is verified: abuse reports page at warning, marked "[unverified]"
/// (the end-to-end trust tests show the verified path).
/// </summary>
[TestFixture]
public class ShippedRulesOnFixturesTests
{
    private const string Abuse = "aws-abuse@mailgate.example.com";
    private const string Incident = "aws-incident1@mailgate.example.com";

    private static readonly RuleSet Shipped = RulesLoader.Load(
        Path.Combine(TestContext.CurrentContext.WorkDirectory, "Fixtures", "shipped-rules.yaml"),
        new RulesLoadOptions { Environment = _ => "R0123456789abcdef0123456789abcde" });

    [TestCase("abuse-report-via-google-group.eml", Abuse, "aws-abuse-report")]
    [TestCase("abuse-report-via-two-nested-groups.eml", Abuse, "aws-abuse-report")]
    [TestCase("exposed-access-key-notice.eml", Abuse, null)]
    [TestCase("suspicious-activity-notice.eml", Abuse, null)]
    [TestCase("html-only-body.eml", Abuse, null)]
    [TestCase("billing-statement-via-google-group.eml", Abuse, null)]
    [TestCase("sign-in-verification-code.eml", Abuse, null)]
    [TestCase("health-scheduled-maintenance.eml", Abuse, null)]
    [TestCase("marketplace-marketing.eml", Abuse, null)]
    [TestCase("subject-iso-2022-jp.eml", Abuse, null)]
    [TestCase("exposed-access-key-notice.eml", Incident, "aws-incident")]
    [TestCase("suspicious-activity-notice.eml", Incident, "aws-incident")]
    [TestCase("billing-statement-via-google-group.eml", Incident, "aws-incident")]
    [TestCase("abuse-report-via-google-group.eml", Incident, "aws-incident")]
    public void Decide_Fixture(string fixture, string recipient, string? expectedRule)
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "mail", fixture);
        using var stream = File.OpenRead(path);
        var envelope = new Envelope("group+bnc@example.com", [recipient], DateTimeOffset.UnixEpoch, null, null);
        var facts = AccountResolver.Resolve(new MessageParser().Parse("test", envelope, stream), Shipped.Accounts);

        var decision = RuleEvaluator.Evaluate(Shipped, facts);

        if (expectedRule is null)
        {
            Assert.That(decision.DroppedBy, Is.EqualTo("everything-else"));
            return;
        }

        var match = decision.Matches.Single();
        Assert.That(match.Rule, Is.EqualTo(expectedRule));
        if (expectedRule == "aws-abuse-report")
        {
            Assert.That((match.Severity, match.Trusted), Is.EqualTo(("warning", false)), "offline nothing is verified");
            Assert.That(match.Summary, Does.StartWith("[unverified] AWS abuse report for account 123456789012: "));
        }
        else
        {
            Assert.That((match.Severity, match.Trusted), Is.EqualTo(("critical", true)));
        }
    }
}
