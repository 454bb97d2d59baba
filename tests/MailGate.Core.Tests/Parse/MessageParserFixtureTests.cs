using MailGate.Core.Tests.Parse.Support;
using MailGate.Tests.Shared;

namespace MailGate.Core.Tests.Parse;

/// <summary>Every fixture under <c>tests/Fixtures/mail</c>, parsed as the gateway parses the spool.</summary>
[TestFixture]
public class MessageParserFixtureTests
{
    private const string Root = "aws-root-123456789012@example.com";
    private const string RootList = "aws-root-123456789012.example.com";

    private static readonly object[] Fixtures =
    [
        new object[] { "abuse-report-via-google-group.eml", "ec2-abuse@amazon.com", Root, RootList, "Your AWS Abuse Report [12345678] [AWS ID 123456789012]" },
        new object[] { "billing-statement-via-google-group.eml", "aws-billing@amazon.com", Root, RootList, "Amazon Web Services Billing Statement Available [Account: 123456789012]" },
        new object[] { "abuse-report-via-two-nested-groups.eml", "trustandsafety@support.aws.com", "aws-alerts@example.com", RootList, "RE: Your AWS Abuse Report [87654321] [AWS ID 123456789012]" },
        new object[] { "notice-not-rewritten-by-group.eml", "no-reply@sns.amazonaws.com", "no-reply@sns.amazonaws.com", RootList, "AWS Notification Message" },
        new object[] { "reply-to-with-several-addresses.eml", "no-reply-aws@amazon.com", Root, RootList, "Amazon Web Services: New Support case: 123456789012345" },
        new object[] { "no-from-header.eml", "", "", "", "Scheduled report" },
        new object[] { "subject-iso-2022-jp.eml", "aws-jp-notice@example.com", "aws-jp-notice@example.com", "", "【重要】AWS アカウントのセキュリティに関するお知らせ" },
        new object[] { "html-only-body.eml", "no-reply-aws@amazon.com", Root, RootList, "[Action Required] Your AWS Access Key is Exposed - Case 123456789012345" },
        new object[] { "html-notice-with-group-footer-part.eml", "no-reply-aws@amazon.com", Root, RootList, "[Action Required] Suspicious activity in your AWS account [123456789012]" },
        new object[] { "multipart-with-attachments.eml", "no-reply-aws@amazon.com", "no-reply-aws@amazon.com", "", "RE:[CASE 123456789012345] Compromised resources" },
        new object[] { "exposed-access-key-notice.eml", "no-reply-aws@amazon.com", Root, RootList, "[Action Required] Your AWS Access Key is Exposed - Case 123456789012345" },
        new object[] { "suspicious-activity-notice.eml", "no-reply-aws@amazon.com", Root, RootList, "[Action Required] Suspicious activity in your AWS account [123456789012]" },
        new object[] { "sign-in-verification-code.eml", "no-reply@signin.aws", Root, RootList, "AWS Notification - Verify your identity" },
        new object[] { "health-scheduled-maintenance.eml", "health@aws.com", Root, RootList, "[Scheduled] Amazon EC2 instance scheduled maintenance [AWS Account: 123456789012]" },
        new object[] { "marketplace-marketing.eml", "no-reply@marketplace.aws", Root, RootList, "New in AWS Marketplace: security tools for your team" },
    ];

    private static readonly object[] KeyLines =
    [
        new object[] { "abuse-report-via-google-group.eml", "AWS ID: 123456789012 Region: us-east-1 EC2 Instance Id: i-0abc1234def567890 [192.0.2.10]" },
        new object[] { "abuse-report-via-two-nested-groups.eml", "AWS ID: 123456789012 Region: eu-west-1 EC2 Instance Id: i-0fedcba9876543210 [192.0.2.44]" },
        new object[] { "notice-not-rewritten-by-group.eml", "- AWS Account: 123456789012" },
        new object[] { "html-only-body.eml", "AWS ID: 123456789012" },
        new object[] { "html-notice-with-group-footer-part.eml", "Your AWS account 123456789012 may have been inappropriately accessed by a third-party." },
        new object[] { "exposed-access-key-notice.eml", "As a precaution we have applied the AWSCompromisedKeyQuarantineV2 policy to the user." },
        new object[] { "suspicious-activity-notice.eml", "Your AWS account 123456789012 may have been inappropriately accessed by a third-party." },
        new object[] { "subject-iso-2022-jp.eml", "AWS ID: 123456789012" },
    ];

    [TestCaseSource(nameof(Fixtures))]
    public void Parse_Fixture_ResolvesSenderFromListIdAndSubject(string fixture, string sender, string from, string listId, string subject)
    {
        var facts = Mail.ParseFixture(fixture);

        Assert.Multiple(() =>
        {
            Assert.That(facts.Sender, Is.EqualTo(sender), nameof(facts.Sender));
            Assert.That(facts.From, Is.EqualTo(from), nameof(facts.From));
            Assert.That(facts.ListId, Is.EqualTo(listId), nameof(facts.ListId));
            Assert.That(facts.Subject, Is.EqualTo(subject), nameof(facts.Subject));
        });
    }

    [TestCaseSource(nameof(Fixtures))]
    public void Parse_Fixture_FillsEnvelopeAndIdentity(string fixture, string sender, string from, string listId, string subject)
    {
        var facts = Mail.ParseFixture(fixture);

        Assert.Multiple(() =>
        {
            Assert.That(facts.SpoolId, Is.EqualTo(fixture));
            Assert.That(facts.EnvelopeFrom, Is.EqualTo(Mail.Envelope().Mail!.MailFrom));
            Assert.That(facts.Recipients, Is.EqualTo(Mail.Envelope().Mail!.Recipients));
            Assert.That(facts.ReceivedAt, Is.EqualTo(Mail.ReceivedAt));
            Assert.That(facts.MessageId, Does.Contain('@').And.Not.StartWith("<").And.Not.EndWith(">"));
            Assert.That(facts.Date, Is.Not.Null);
            Assert.That(facts.ContentHash, Does.Match("^[0-9a-f]{64}$"));
            Assert.That(facts.Headers.ContainsKey("subject"), Is.True);
            Assert.That(facts.Body, Is.Not.Empty);
        });
    }

    [TestCaseSource(nameof(KeyLines))]
    public void Parse_FixtureWithGroupFooter_BodyKeepsKeyLine(string fixture, string keyLine)
    {
        var facts = Mail.ParseFixture(fixture);

        Assert.That(facts.Body.Split('\n').Select(line => line.Trim()), Does.Contain(keyLine));
    }

    [Test]
    public void Parse_NestedGroups_KeepsEveryListHeaderInOrder()
    {
        var facts = Mail.ParseFixture("abuse-report-via-two-nested-groups.eml");

        Assert.Multiple(() =>
        {
            Assert.That(facts.Headers["list-id"], Is.EqualTo(new[] { "<aws-root-123456789012.example.com>", "<aws-alerts.example.com>" }));
            Assert.That(facts.Headers["X-Original-From"], Has.Count.EqualTo(2));
            Assert.That(facts.Body, Does.Not.Contain("\"AWS root 123456789012\" group").And.Not.Contain("\"AWS alerts\" group"), "both groups' footers are gone");
            Assert.That(facts.Body, Does.EndWith("AWS Trust & Safety"));
        });
    }

    [Test]
    public void Parse_MultipartWithAttachments_BodyIsTheTextPartOnly()
    {
        var facts = Mail.ParseFixture("multipart-with-attachments.eml");

        Assert.Multiple(() =>
        {
            Assert.That(facts.Body.Trim(), Is.EqualTo("Case 123456789012345: the attached report lists the affected instance i-0abc1234def567890."));
            Assert.That(facts.Subject, Does.Not.Contain("ATTACHED"));
            Assert.That(facts.To, Is.EqualTo(new[] { "aws-root-123456789012@example.com", "security@example.com" }));
            Assert.That(facts.Cc, Is.EqualTo(new[] { "ops@example.com", "audit@example.com" }));
        });
    }

    [Test]
    public void Parse_HtmlOnlyBody_GivesReadableTextWithoutScriptOrStyle()
    {
        var facts = Mail.ParseFixture("html-only-body.eml");
        var lines = facts.Body.Split('\n').Select(line => line.Trim()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(lines, Is.SupersetOf(new[]
            {
                "Amazon Web Services",
                "Dear AWS Customer,",
                "Your account's access key AKIAIOSFODNN7EXAMPLE & its secret were found \"publicly available\" <online>.",
                "AWS ID: 123456789012",
                "Case: 123456789012345",
                "Please act within 24 hours…",
                "Rotate the key",
                "Check CloudTrail",
                "Sincerely,",
            }));
            Assert.That(facts.Body, Does.Not.Contain("hidden-s").And.Not.Contain("font-family").And.Not.Contain("AWS Notification"));
            Assert.That(facts.Body, Does.Not.Contain("&amp;").And.Not.Contain("<p>").And.Not.Contain("\u00a0"));
        });
    }
}
