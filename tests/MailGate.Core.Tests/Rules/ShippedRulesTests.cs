using MailGate.Core.Tests.Rules.Support;
using MailGate.Parse;
using MailGate.Parse.Authentication;
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

    /// <summary>What Google Groups delivers for genuine AWS mail: a valid google.com ARC seal over dmarc=pass for the author.</summary>
    private static readonly AuthenticationFacts ThroughGoogle = new()
    {
        Arc = AuthOutcome.Pass,
        ArcSealer = "google.com",
        Original = new OriginalAuthentication("pass", "amazon.com", ["amazon.com"], "pass"),
    };

    private static MessageFacts Resolved(MessageFacts facts, RuleSet rules) => AccountResolver.Resolve(facts, rules.Accounts);

    [TestCase("Abuse Report [AWS ID 123456789012]", "", "123456789012")]
    [TestCase("Your Amazon EC2 Abuse Report", "Hello,\nAWS ID: 210987654321\nRegards", "210987654321")]
    [TestCase("Your Amazon EC2 Abuse Report", "no id", "unknown account")]
    public void Evaluate_AuthenticatedAbuseReportFromAmazon_PagesCriticalWithAccount(string subject, string body, string account)
    {
        var rules = CreateSut();
        var facts = Resolved(Mail("aws-abuse@mailgate.example.com", "ec2-abuse@amazon.com", subject, body) with { Authentication = ThroughGoogle }, rules);

        var match = TestRules.SingleMatch(rules, facts);

        Assert.Multiple(() =>
        {
            Assert.That((match.Rule, match.Route, match.Severity, match.Trusted), Is.EqualTo(("aws-abuse-report", "security-oncall", "critical", true)));
            Assert.That(match.Summary, Is.EqualTo($"AWS abuse report for account {account}: {subject}"));
            Assert.That(match.DedupKey, Does.Match("^mailgate-aws-abuse-report-[0-9a-f]{32}$"));
        });
    }

    public static IEnumerable<TestCaseData> Unverified()
    {
        yield return new TestCaseData(AuthenticationFacts.NotChecked).SetName("Evaluate_ForgedAbuseReport_NoArc_PagesWarningMarkedUnverified");
        yield return new TestCaseData(ThroughGoogle with { Arc = AuthOutcome.Fail, ArcSealer = "", Original = null }).SetName("Evaluate_ForgedAbuseReport_BrokenArc_PagesWarningMarkedUnverified");
        yield return new TestCaseData(ThroughGoogle with { ArcSealer = "evil.example" }).SetName("Evaluate_AbuseReport_SealedByAnotherDomain_PagesWarningMarkedUnverified");
        yield return new TestCaseData(ThroughGoogle with { Original = new OriginalAuthentication("fail", "amazon.com", [], "fail") }).SetName("Evaluate_AbuseReport_GoogleSawDmarcFail_PagesWarningMarkedUnverified");
        yield return new TestCaseData(ThroughGoogle with { Original = new OriginalAuthentication("pass", "amazon.com.evil.example", [], "pass") }).SetName("Evaluate_AbuseReport_DmarcPassForLookalikeDomain_PagesWarningMarkedUnverified");
    }

    [TestCaseSource(nameof(Unverified))]
    public void Evaluate_UnverifiedAbuseReport(AuthenticationFacts authentication)
    {
        var rules = CreateSut();
        var facts = Resolved(Mail("aws-abuse@mailgate.example.com", "ec2-abuse@amazon.com", "Your AWS Abuse Report [AWS ID 123456789012]") with { Authentication = authentication }, rules);

        var match = TestRules.SingleMatch(rules, facts);

        Assert.Multiple(() =>
        {
            Assert.That((match.Rule, match.Severity, match.Trusted), Is.EqualTo(("aws-abuse-report", "warning", false)));
            Assert.That(match.Summary, Does.StartWith("[unverified] AWS abuse report for account 123456789012: "));
        });
    }

    [Test]
    public void Evaluate_UnverifiedAbuseReport_ExplainSaysWhyItIsNotTrusted()
    {
        var rules = CreateSut();
        var facts = Mail("aws-abuse@mailgate.example.com", "ec2-abuse@amazon.com", "Abuse Report");

        var trace = RuleEvaluator.Evaluate(rules, facts, explain: true).Trace[0];

        Assert.That(trace.Reason, Does.Contain("NOT TRUSTED: not authenticated: arc_sealed_by 'google.com'"));
        Assert.That(trace.Reason, Does.Contain("→ paged at warning, marked '[unverified]'"));
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
    public void Evaluate_AnythingToIncidentAddress_PagesWithoutNeedingTrust(string sender, string subject)
    {
        var match = TestRules.SingleMatch(CreateSut(), Mail("aws-incident1@mailgate.example.com", sender, subject));

        Assert.Multiple(() =>
        {
            Assert.That((match.Rule, match.Route, match.Trusted), Is.EqualTo(("aws-incident", "security-oncall", true)));
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
