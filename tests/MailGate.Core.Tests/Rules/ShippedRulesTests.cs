using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;
using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

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
        SomeFacts.Message() with { Recipients = [to], Sender = sender, From = sender, Subject = subject, Body = body, ReceivedAt = new DateTimeOffset(2026, 11, 16, 10, 0, 0, TimeSpan.Zero) };

    [Test]
    public void Load_ShippedFile_HasOneRouteAndExplicitDropLast()
    {
        var sut = CreateSut();

        Assert.Multiple(() =>
        {
            Assert.That(sut.Routes["security-oncall"].PagerDuty, Is.EqualTo(new PagerDutyTarget(Key, "critical", null)));
            Assert.That(sut.Rules.Select(r => r.Name), Is.EqualTo(new[] { "aws-abuse-relayed-customer-text", "aws-abuse-report", "aws-incident", "aws-security-support-case", "aws-health-security-event", "everything-else" }));
            Assert.That(sut.Rules[0].Drop, Is.True, "the relays of customer text are dropped before the abuse rule sees them");
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

    /// <summary>What Google Groups deliver for genuine mail from <paramref name="sender"/>: DMARC passed for the sender's own domain.</summary>
    private static AuthenticationFacts Verified(string sender)
    {
        var domain = sender[(sender.LastIndexOf('@') + 1)..].ToLowerInvariant();
        return ThroughGoogle with { Original = new OriginalAuthentication("pass", domain, [domain], "pass") };
    }

    [TestCase("ec2-abuse@amazon.com", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]", "", "123456789012", "aws-abuse-report-123456789012-12345678")]
    [TestCase("trustandsafety@support.aws.com", "RE: Your AWS Abuse Report [12345678] [AWS ID 123456789012]", "", "123456789012", "aws-abuse-report-123456789012-12345678")]
    [TestCase("abuse@amazonaws.com", "Fwd: [aws-root-prod] Your AWS Abuse Report [87654321] [AWS ID 123456789012]", "", "123456789012", "aws-abuse-report-123456789012-87654321")]
    [TestCase("ec2-abuse@amazon.com", "AW: Your Amazon EC2 Abuse Report [7] [AWS ID 210987654321]", "", "210987654321", "aws-abuse-report-210987654321-7")]
    [TestCase("ec2-abuse@amazon.com", "Your Amazon EC2 Abuse Report", "Hello,\nAWS ID: 210987654321\nRegards", "210987654321", "aws-abuse-report-210987654321-abc123@example.org")]
    [TestCase("EC2-Abuse@Amazon.com", "[aws-root-prod] [EXTERNAL] RE:FW: your aws  abuse\treport", "no id", "unknown account", "aws-abuse-report--abc123@example.org")]
    [TestCase("ec2-abuse@amazon.com", "【重要】不正利用 Abuse Report [AWS ID 123456789012]", "", "123456789012", "aws-abuse-report-123456789012-abc123@example.org")]
    [TestCase("ec2-abuse@amazon.com", "RE：【重要】不正利用 Abuse Report [31415926] [AWS ID 123456789012]", "", "123456789012", "aws-abuse-report-123456789012-31415926")]
    [TestCase("trustandsafety@support.aws.com", "[aws-root-prod] 【重要】 Your AWS Abuse Report [7] [AWS ID 123456789012]", "", "123456789012", "aws-abuse-report-123456789012-7")]
    public void Evaluate_AuthenticatedAbuseReportFromTrustAndSafety_PagesCriticalKeyedOnReport(string sender, string subject, string body, string account, string key)
    {
        var rules = CreateSut();
        var facts = Resolved(Mail("aws-abuse@mailgate.example.com", sender, subject, body) with { Authentication = Verified(sender) }, rules);

        var match = TestRules.SingleMatch(rules, facts);

        Assert.Multiple(() =>
        {
            Assert.That((match.Rule, match.Route, match.Severity, match.Trusted), Is.EqualTo(("aws-abuse-report", "security-oncall", "critical", true)));
            Assert.That(match.Summary, Is.EqualTo($"AWS abuse report for account {account}: {RuleText.Normalize(subject)}"));
            Assert.That(match.DedupKey, Is.EqualTo(key));
            Assert.That(match.ReplyBy, Is.EqualTo(new ReplyDeadline("2026-11-17T10:00:00Z", "24h after receipt (the rule's reply_within)")));
        });
    }

    /// <summary>The kinds of AWS mail whose text any AWS customer writes, with the subject of an abuse report, verified as genuine AWS mail.</summary>
    [TestCase("no-reply@sns.amazonaws.com", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]", "", "aws-abuse-relayed-customer-text")]
    [TestCase("no-reply@sns.amazonaws.com", "ALARM: \"Your AWS Abuse Report [12345678] [AWS ID 123456789012]\" in US East (N. Virginia)", "", "aws-abuse-relayed-customer-text")]
    [TestCase("budgets@costalerts.amazonaws.com", "AWS Budgets: Your AWS Abuse Report [12345678] [AWS ID 123456789012] has exceeded your alert threshold", "", "aws-abuse-relayed-customer-text")]
    [TestCase("no-reply-aws@amazon.com", "RE:[CASE 1234567890] Your AWS Abuse Report [12345678] [AWS ID 123456789012]", "", "aws-abuse-relayed-customer-text")]
    [TestCase("ec2-abuse@amazon.com", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]", "x-amz-sns-message-id", "aws-abuse-relayed-customer-text")]
    [TestCase("ec2-abuse@amazon.com", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]", "X-Amz-Sns-Subscription-Arn", "aws-abuse-relayed-customer-text")]
    [TestCase("no-reply@notifications.aws.example", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]", "", "everything-else")]
    [TestCase("aws-billing@amazon.com", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]", "", "everything-else")]
    [TestCase("ec2-abuse@amazon.com", "ALARM: \"Your AWS Abuse Report [1]\"", "", "everything-else")]
    [TestCase("ec2-abuse@amazon.com", "AWS Budgets: 【重要】不正利用 Abuse Report [1]", "", "everything-else")]
    [TestCase("ec2-abuse@amazon.com", "不正利用ではない Abuse Report", "", "everything-else")]
    [TestCase("ec2-abuse@amazon.com", "Re: Abuse Report about your site", "", "everything-else")]
    public void Evaluate_GenuineAwsMailCarryingCustomerText_IsNotPagedAsAbuse(string sender, string subject, string snsHeader, string droppedBy)
    {
        var rules = CreateSut();
        var facts = Mail("aws-abuse@mailgate.example.com", sender, subject) with
        {
            Authentication = ThroughGoogle with { Original = new OriginalAuthentication("pass", sender[(sender.IndexOf('@') + 1)..], [], "pass") },
            Headers = snsHeader.Length == 0 ? SomeFacts.Headers() : SomeFacts.Headers((snsHeader, "7d1c2a3b-0000-4000-8000-000000000601")),
        };

        var decision = RuleEvaluator.Evaluate(rules, Resolved(facts, rules));

        Assert.Multiple(() =>
        {
            Assert.That(decision.Matches, Is.Empty);
            Assert.That(decision.DroppedBy, Is.EqualTo(droppedBy));
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
            Assert.That(match.DedupKey, Is.EqualTo("unverified-aws-abuse-report-123456789012-abc123@example.org"));
        });
    }

    [Test]
    public void Evaluate_UnverifiedAbuseReport_ExplainSaysWhyItIsNotTrusted()
    {
        var rules = CreateSut();
        var facts = Mail("aws-abuse@mailgate.example.com", "ec2-abuse@amazon.com", "Your AWS Abuse Report");

        var trace = RuleEvaluator.Evaluate(rules, facts, explain: true).Trace.Single(t => t.Rule == "aws-abuse-report");

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
