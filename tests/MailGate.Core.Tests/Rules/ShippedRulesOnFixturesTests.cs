
using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;
using MailGate.Core.Rules;
using MailGate.Core.Storage;

namespace MailGate.Core.Tests.Rules;

/// <summary>
/// Every fixture through the shipped rules, as the gateway would decide it for each of its two
/// addresses. Offline, so nothing is verified: abuse reports page at warning, marked "[unverified]"
/// (the end-to-end trust tests show the verified path; <see cref="Decide_RelayVerifiedAsGenuineAwsMail_IsNotPagedAsAbuse"/>
/// gives the relays the verdict Google would).
/// </summary>
[TestFixture]
public class ShippedRulesOnFixturesTests
{
    private const string Abuse = "aws-abuse@mailgate.example.com";
    private const string Incident = "aws-incident1@mailgate.example.com";
    private const string Relay = "aws-abuse-relayed-customer-text";
    private const string Rest = "everything-else";

    private static readonly RuleSet Shipped = RulesLoader.Load(
        Path.Combine(TestContext.CurrentContext.WorkDirectory, "Fixtures", "shipped-rules.yaml"),
        new RulesLoadOptions { Environment = _ => "R0123456789abcdef0123456789abcde" });

    [TestCase("abuse-report-via-google-group.eml", Abuse, "aws-abuse-report", null)]
    [TestCase("abuse-report-via-two-nested-groups.eml", Abuse, "aws-abuse-report", null)]
    [TestCase("abuse-report-original.eml", Abuse, "aws-abuse-report", null)]
    [TestCase("abuse-report-re-followup.eml", Abuse, "aws-abuse-report", null)]
    [TestCase("subject-folded-with-tab.eml", Abuse, "aws-abuse-report", null)]
    [TestCase("subject-raw-shift-jis-charset-only-on-body.eml", Abuse, "aws-abuse-report", null)]
    [TestCase("alert-without-message-id-via-root-group.eml", Abuse, null, Rest)]
    [TestCase("alert-without-message-id-via-security-group.eml", Abuse, null, Rest)]
    [TestCase("html-notice-with-group-footer-part.eml", Abuse, null, Relay)]
    [TestCase("japanese-notice-with-account-id-label.eml", Abuse, null, Relay)]
    [TestCase("multipart-with-attachments.eml", Abuse, null, Relay)]
    [TestCase("no-from-header.eml", Abuse, null, Rest)]
    [TestCase("reply-to-with-several-addresses.eml", Abuse, null, Relay)]
    [TestCase("sns-topic-message-with-abuse-report-subject.eml", Abuse, null, Relay)]
    [TestCase("sns-topic-message-via-google-group-dmarc-pass.eml", Abuse, null, Relay)]
    [TestCase("cloudwatch-alarm-via-sns-with-abuse-report-name.eml", Abuse, null, Relay)]
    [TestCase("budgets-alert-with-abuse-report-budget-name.eml", Abuse, null, Relay)]
    [TestCase("support-case-reply-quoting-abuse-report-subject.eml", Abuse, null, Relay)]
    [TestCase("ses-forwarded-abuse-report-lookalike.eml", Abuse, null, Rest)]
    [TestCase("notice-not-rewritten-by-group.eml", Abuse, null, Relay)]
    [TestCase("exposed-access-key-notice.eml", Abuse, null, Relay)]
    [TestCase("suspicious-activity-notice.eml", Abuse, null, Relay)]
    [TestCase("html-only-body.eml", Abuse, null, Relay)]
    [TestCase("billing-statement-via-google-group.eml", Abuse, null, Rest)]
    [TestCase("sign-in-verification-code.eml", Abuse, null, Rest)]
    [TestCase("health-scheduled-maintenance.eml", Abuse, null, Rest)]
    [TestCase("marketplace-marketing.eml", Abuse, null, Rest)]
    [TestCase("subject-iso-2022-jp.eml", Abuse, null, Rest)]
    [TestCase("exposed-access-key-notice.eml", Incident, "aws-incident", null)]
    [TestCase("suspicious-activity-notice.eml", Incident, "aws-incident", null)]
    [TestCase("billing-statement-via-google-group.eml", Incident, "aws-incident", null)]
    [TestCase("abuse-report-via-google-group.eml", Incident, "aws-incident", null)]
    [TestCase("sns-topic-message-with-abuse-report-subject.eml", Incident, "aws-incident", null)]
    public void Decide_Fixture(string fixture, string recipient, string? expectedRule, string? droppedBy)
    {
        var decision = RuleEvaluator.Evaluate(Shipped, Facts(fixture, recipient));

        if (expectedRule is null)
        {
            Assert.Multiple(() =>
            {
                Assert.That(decision.Matches, Is.Empty);
                Assert.That(decision.DroppedBy, Is.EqualTo(droppedBy));
            });
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

    /// <summary>
    /// The relays as Google Groups would deliver them: sealed by google.com over a DMARC pass for the
    /// AWS domain they really come from. Still not an abuse report.
    /// </summary>
    [TestCase("sns-topic-message-with-abuse-report-subject.eml", "sns.amazonaws.com")]
    [TestCase("sns-topic-message-via-google-group-dmarc-pass.eml", "sns.amazonaws.com")]
    [TestCase("cloudwatch-alarm-via-sns-with-abuse-report-name.eml", "sns.amazonaws.com")]
    [TestCase("budgets-alert-with-abuse-report-budget-name.eml", "costalerts.amazonaws.com")]
    [TestCase("support-case-reply-quoting-abuse-report-subject.eml", "amazon.com")]
    public void Decide_RelayVerifiedAsGenuineAwsMail_IsNotPagedAsAbuse(string fixture, string dmarcDomain)
    {
        var facts = Facts(fixture, Abuse) with
        {
            Authentication = new AuthenticationFacts
            {
                Arc = AuthOutcome.Pass,
                ArcSealer = "google.com",
                Original = new OriginalAuthentication("pass", dmarcDomain, [dmarcDomain], "pass"),
            },
        };

        var decision = RuleEvaluator.Evaluate(Shipped, facts);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Matches, Is.Empty);
            Assert.That(decision.DroppedBy, Is.EqualTo(Relay));
        });
    }

    /// <summary>Issue 12 §2: the TAB-folded subject is the same subject; the incident shows it with one space.</summary>
    [Test]
    public void Decide_SubjectFoldedWithTab_PagesWithNormalisedSubject()
    {
        var facts = Facts("subject-folded-with-tab.eml", Abuse);

        var match = RuleEvaluator.Evaluate(Shipped, facts).Matches.Single();

        Assert.Multiple(() =>
        {
            Assert.That(facts.Subject, Does.Contain("Abuse\tReport"), "the parser keeps what unfolding leaves");
            Assert.That(match.Summary, Is.EqualTo("[unverified] AWS abuse report for account 123456789012: Your AWS Abuse Report [12345678] [AWS ID 123456789012]"));
        });
    }

    /// <summary>Issue 12 §8: a follow-up keeps the report id, so it updates the report's incident.</summary>
    [Test]
    public void Decide_ReportAndItsFollowUp_HaveTheSameDedupKey()
    {
        var trusted = new AuthenticationFacts
        {
            Arc = AuthOutcome.Pass,
            ArcSealer = "google.com",
            Original = new OriginalAuthentication("pass", "amazon.com", ["amazon.com"], "pass"),
        };
        var original = RuleEvaluator.Evaluate(Shipped, Facts("abuse-report-original.eml", Abuse) with { Authentication = trusted }).Matches.Single();
        var followUp = RuleEvaluator.Evaluate(Shipped, Facts("abuse-report-re-followup.eml", Abuse) with { Authentication = trusted }).Matches.Single();
        var unverified = RuleEvaluator.Evaluate(Shipped, Facts("abuse-report-re-followup.eml", Abuse)).Matches.Single();

        Assert.Multiple(() =>
        {
            Assert.That(original.DedupKey, Is.EqualTo("aws-abuse-report-123456789012-12345678"));
            Assert.That(followUp.DedupKey, Is.EqualTo(original.DedupKey));
            Assert.That(unverified.DedupKey, Is.EqualTo("unverified-aws-abuse-report-123456789012-12345678"), "an unverified copy never joins the verified incident");
            Assert.That(original.ReplyBy, Is.EqualTo(new ReplyDeadline("1970-01-02T00:00:00Z", "24h after receipt (the rule's reply_within)")));
            Assert.That(followUp.ReplyBy, Is.EqualTo(new ReplyDeadline("1970-01-02T00:00:00Z", "stated: \"within 24 hours\"")));
        });
    }

    private static MessageFacts Facts(string fixture, string recipient)
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "mail", fixture);
        using var stream = File.OpenRead(path);
        var envelope = Envelope.ForMail("group+bnc@example.com", [recipient], DateTimeOffset.UnixEpoch, null, null);
        return AccountResolver.Resolve(new MessageParser().Parse("test", envelope, stream), Shipped.Accounts);
    }
}
