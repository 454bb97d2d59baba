using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;
using MailGate.Core.Rules;
using MailGate.Core.Storage;
using System.Text;
using MailGate.Core.Tests.Parse.Authentication.Support;
using MailGate.Tests.Shared;
using MimeKit;

namespace MailGate.Core.Tests.Rules;

/// <summary>
/// Forged abuse reports built from genuine, Google-sealed mail, against the shipped rules: parsed and
/// verified as the gateway does (real signatures, keys from an in-memory DNS), then decided.
/// </summary>
/// <remarks>
/// Google's ARC-Message-Signature covers From, To, Cc, Subject, Date, Message-ID and the list headers —
/// not X-Original-From, X-Original-Sender or X-Original-Authentication-Results (real Google Groups mail:
/// <c>h=list-unsubscribe:…:list-id:mailing-list:precedence:reply-to:mime-version:…:subject:to:from:dkim-signature</c>),
/// and of each header only the bottom-most copy. Whoever holds a sealed copy — any AWS customer whose SNS
/// topic or Support case mails their own Google Group or Gmail inbox — can add headers and send it here.
/// </remarks>
[TestFixture]
public class ShippedRulesForgeryTests
{
    private const string Abuse = "aws-abuse@mailgate.example.com";
    private const string RootGroup = "aws-root-123456789012@example.com";

    private static string ShippedPath => Path.Combine(TestContext.CurrentContext.WorkDirectory, "Fixtures", "shipped-rules.yaml");

    private static RuleSet Shipped() =>
        RulesLoader.Load(ShippedPath, new RulesLoadOptions { Environment = n => n == "PAGERDUTY_ROUTING_KEY" ? "0123456789abcdef0123456789abcdef" : null });

    [Test]
    public async Task Evaluate_GenuineReportThroughOurGroup_PagesCriticalTrusted()
    {
        var (raw, locator) = ThroughGroup("trustandsafety@support.aws.com", "AWS Trust & Safety", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]", RootGroup);

        var match = await SingleMatchAsync(raw, locator);

        Assert.That((match.Rule, match.Severity, match.Trusted, match.DedupKey), Is.EqualTo(("aws-abuse-report", "critical", true, "aws-abuse-report-123456789012-12345678")));
    }

    /// <summary>An SNS notification (DMARC passes for sns.amazonaws.com), its subject chosen by the publisher, with an X-Original-From added after Google sealed it.</summary>
    [TestCase("X-Original-From: AWS Trust & Safety <trustandsafety@support.aws.com>")]
    [TestCase("X-Original-From: AWS Trust & Safety <abuse@amazonaws.com>")]
    [TestCase("X-Original-Sender: trustandsafety@support.aws.com")]
    public async Task Evaluate_SealedSnsNotificationWithAuthorHeaderAddedAfterSealing_IsNotTrusted(string added)
    {
        var (raw, locator) = ThroughGroup("no-reply@sns.amazonaws.com", "AWS Notifications", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]", RootGroup);
        raw = WithoutHeader(raw, "X-Original-From");
        raw = WithoutHeader(raw, "X-Original-Sender");
        raw = AppendHeader(raw, added);

        var facts = await ParseAsync(raw, locator);
        var match = await SingleMatchAsync(raw, locator);

        Assert.Multiple(() =>
        {
            Assert.That(facts.Authentication.Arc, Is.EqualTo(AuthOutcome.Pass), "the seal does not cover the added header");
            Assert.That((match.Rule, match.Severity, match.Trusted), Is.EqualTo(("aws-abuse-report", "warning", false)));
            Assert.That(match.DedupKey, Does.StartWith("unverified-"));
        });
    }

    /// <summary>
    /// A Support case reply (from no-reply-aws@amazon.com: DMARC passes for amazon.com, the domain of a
    /// Trust & Safety sender) repeats the customer's subject; an X-Original-From added after sealing names
    /// Trust & Safety. The sender's domain matches the verified one, so the Support case tag decides.
    /// </summary>
    [TestCase("RE:[CASE 1234567890] Your AWS Abuse Report [12345678] [AWS ID 123456789012]")]
    [TestCase("[CASE 1234567890] Your AWS Abuse Report [12345678] [AWS ID 123456789012]")]
    [TestCase("RE: [Case 1234567890] Your AWS Abuse Report [12345678] [AWS ID 123456789012]")]
    public async Task Evaluate_SealedSupportCaseReplyWithXOriginalFromAddedAfterSealing_IsDropped(string subject)
    {
        var (raw, locator) = ThroughGroup("no-reply-aws@amazon.com", "Amazon Web Services", subject, RootGroup);
        raw = AppendHeader(raw, "X-Original-From: AWS Trust & Safety <ec2-abuse@amazon.com>");

        var decision = await DecideAsync(raw, locator);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Matches, Is.Empty);
            Assert.That(decision.DroppedBy, Is.EqualTo("aws-abuse-relayed-customer-text"));
        });
    }

    /// <summary>Any sealed AWS mail, with a second once-only header written above the signed one (the signature covers the bottom one).</summary>
    [TestCase("From: AWS Trust & Safety <trustandsafety@support.aws.com>", "From")]
    [TestCase("Subject: Your AWS Abuse Report [1] [AWS ID 999999999999]", "Subject")]
    [TestCase("To: aws-root-999999999999@example.com", "To")]
    [TestCase("Cc: aws-root-999999999999@example.com", "Cc")]
    [TestCase("Date: Tue, 10 Nov 2026 11:14:05 +0000", "Date")]
    [TestCase("Message-ID: <0100018f-abuse-1@email.amazonses.com>", "Message-ID")]
    public async Task Evaluate_SealedReportWithOnceOnlyHeaderAddedAboveTheSignedOne_IsNotTrusted(string added, string name)
    {
        var (raw, locator) = ThroughGroup("trustandsafety@support.aws.com", "AWS Trust & Safety", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]", RootGroup, cc: "security@example.com");

        var decision = await DecideAsync(added + "\r\n" + raw, locator, explain: true);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Matches.Single().Trusted, Is.False);
            Assert.That(decision.Trace.Single(t => t.Rule == "aws-abuse-report").Reason, Does.Contain($"NOT TRUSTED: the message has 2 {name} headers"));
        });
    }

    /// <summary>
    /// A genuine report about someone else's account, taken from their Gmail inbox or Google Group (the
    /// same google.com seal, the same DMARC pass) and sent here: not addressed to our domain.
    /// </summary>
    [TestCase("victim-of-nothing@gmail.example")]
    [TestCase("attackers-group@googlegroups.example")]
    [TestCase("aws-root-1@example.com.attacker.example")]
    public async Task Evaluate_GenuineReportToAnotherOrganisationSentHere_IsNotTrusted(string to)
    {
        var (raw, locator) = ThroughGroup("trustandsafety@support.aws.com", "AWS Trust & Safety", "Your AWS Abuse Report [12345678] [AWS ID 999999999999]", to);

        var match = await SingleMatchAsync(raw, locator);

        Assert.That((match.Rule, match.Severity, match.Trusted), Is.EqualTo(("aws-abuse-report", "warning", false)));
    }

    [Test]
    public async Task Evaluate_GenuineReportToOurSecurityContactInCc_IsTrusted()
    {
        var (raw, locator) = ThroughGroup("trustandsafety@support.aws.com", "AWS Trust & Safety", "Your AWS Abuse Report [12345678] [AWS ID 123456789012]", "owner@elsewhere.example", cc: "security@example.com");

        var match = await SingleMatchAsync(raw, locator);

        Assert.That((match.Severity, match.Trusted), Is.EqualTo(("critical", true)));
    }

    /// <summary>
    /// The message as a Google Group delivers it: the author signs; the group rewrites From, keeps the
    /// author in X-Original-* and records Google's verdict, appends its list headers; google.com seals,
    /// covering what Google's seal covers (From, To, Cc, Subject, Date, Message-ID).
    /// </summary>
    private static (string Raw, InMemoryKeyLocator Locator) ThroughGroup(string author, string authorName, string subject, string to, string? cc = null)
    {
        var domain = author[(author.IndexOf('@') + 1)..];
        var authorKey = TestKeys.Ed25519();
        var google = TestKeys.Ed25519();
        var locator = new InMemoryKeyLocator().Publish(domain, "s1", authorKey).Publish("google.com", "arc-20240605", google);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(authorName, author));
        message.To.Add(MailboxAddress.Parse(to));
        if (cc is not null)
        {
            message.Cc.Add(MailboxAddress.Parse(cc));
        }

        message.Subject = subject;
        message.Date = new DateTimeOffset(2026, 11, 10, 11, 14, 5, TimeSpan.Zero);
        message.MessageId = "0100018f-relay-1@email.amazonses.com";
        message.Body = new TextPart("plain") { Text = "Hello,\r\n\r\nsome text\r\n" };
        Signers.DkimSign(message, authorKey.Private, domain, "s1");
        var verdict = $"dkim=pass header.i=@{domain} header.s=s1; spf=pass smtp.mailfrom=bounce@{domain}; dmarc=pass (p=QUARANTINE) header.from={domain}";
        message.From.Clear();
        message.From.Add(new MailboxAddress($"'{authorName}' via AWS root 123456789012", RootGroup));
        message.Headers.Add("X-Original-Sender", author);
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; " + verdict);
        message.Headers.Add("X-Original-From", $"{authorName} <{author}>");
        message.Headers.Add("Precedence", "list");
        message.Headers.Add("List-ID", "<aws-root-123456789012.example.com>");
        message.Headers.Add("X-Google-Group-Id", "123456789012345");
        new CoveringArcSigner(google.Private, "mx.google.com; " + verdict).Sign(message, ["From", "To", "Cc", "Subject", "Date", "Message-ID", "List-ID"]);
        return (Encoding.UTF8.GetString(Signers.ToBytes(message)), locator);
    }

    private static string AppendHeader(string raw, string line)
    {
        var end = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return raw[..end] + "\r\n" + line + raw[end..];
    }

    private static string WithoutHeader(string raw, string name)
    {
        var start = raw.IndexOf("\r\n" + name + ":", StringComparison.OrdinalIgnoreCase);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), name);
        var end = raw.IndexOf("\r\n", start + 2, StringComparison.Ordinal);
        return raw[..start] + raw[end..];
    }

    private static async Task<MessageFacts> ParseAsync(string raw, InMemoryKeyLocator locator)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw), writable: false);
        var envelope = Envelope.ForMail("aws-root-123456789012+bnc@example.com", [Abuse], new DateTimeOffset(2026, 11, 10, 11, 14, 7, TimeSpan.Zero), "192.0.2.1", "session-1");
        return await new MessageParser(authenticator: new MailAuthenticator(locator)).ParseAsync("spool-1", envelope, stream, CancellationToken.None);
    }

    private static async Task<Decision> DecideAsync(string raw, InMemoryKeyLocator locator, bool explain = false)
    {
        var rules = Shipped();
        var facts = AccountResolver.Resolve(await ParseAsync(raw, locator), rules.Accounts);
        return RuleEvaluator.Evaluate(rules, facts, explain);
    }

    private static async Task<RuleMatch> SingleMatchAsync(string raw, InMemoryKeyLocator locator)
    {
        var decision = await DecideAsync(raw, locator);
        Assert.That(decision.Matches, Has.Count.EqualTo(1), decision.DroppedBy);
        return decision.Matches[0];
    }

    private sealed class CoveringArcSigner(Org.BouncyCastle.Crypto.AsymmetricKeyParameter key, string results)
        : MimeKit.Cryptography.ArcSigner(key, "google.com", "arc-20240605", MimeKit.Cryptography.DkimSignatureAlgorithm.Ed25519Sha256)
    {
        protected override long GetTimestamp() => Signers.Timestamp;

        protected override MimeKit.Cryptography.AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            MimeKit.Cryptography.AuthenticationResults.Parse(Encoding.UTF8.GetBytes(results));

        protected override Task<MimeKit.Cryptography.AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            Task.FromResult(GenerateArcAuthenticationResults(options, message, cancellationToken));
    }
}
