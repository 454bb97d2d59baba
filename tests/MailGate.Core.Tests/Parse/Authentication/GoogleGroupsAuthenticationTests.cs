using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Tests.Shared;
using MailGate.Core.Tests.Parse.Authentication.Support;
using MailGate.Core.Tests.Parse.Support;
using MimeKit;

namespace MailGate.Core.Tests.Parse.Authentication;

/// <summary>An abuse report from amazon.com delivered through a Google Group, parsed the way the gateway parses the spool.</summary>
[TestFixture]
public class GoogleGroupsAuthenticationTests
{
    private const string GoogleVerdict =
        "dkim=pass header.i=@amazon.com header.s=abuse2026 header.b=AbCdEf12; spf=pass (google.com: domain of 0100018f-abuse@bounce.amazon.com designates 192.0.2.25 as permitted sender) smtp.mailfrom=0100018f-abuse@bounce.amazon.com; dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE) header.from=amazon.com";

    [Test]
    public async Task ParseAsync_AbuseReportViaGoogleGroup_ArcPassesAndOriginalVerdictIsAmazons()
    {
        var (raw, locator) = AbuseReportViaGroup();
        using var stream = new MemoryStream(raw, writable: false);

        var facts = await new MessageParser(authenticator: new MailAuthenticator(locator))
            .ParseAsync("spool-0001", Mail.Envelope(), stream, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(facts.Authentication.Arc, Is.EqualTo(AuthOutcome.Pass));
            Assert.That(facts.Authentication.ArcSealer, Is.EqualTo("google.com"));
            Assert.That(facts.Authentication.Original?.Dmarc, Is.EqualTo("pass"));
            Assert.That(facts.Authentication.Original?.HeaderFrom, Is.EqualTo("amazon.com"));
            Assert.That(facts.Authentication.Original?.DkimPassDomains, Is.EqualTo(new[] { "amazon.com" }));
            Assert.That(facts.Authentication.Original?.Spf, Is.EqualTo("pass"));
            Assert.That(facts.Authentication.Original?.Source, Is.EqualTo("ARC-Authentication-Results i=1"), "the sealed verdict; X-Original-Authentication-Results is not covered by the seal");
            // Expected: the group appended its footer (and rewrote From), so amazon.com's own signature no
            // longer verifies here. That is why the verdict Google recorded on entry, behind a passing ARC
            // chain, is what vouches for the author.
            Assert.That(facts.Authentication.Dkim.Select(d => (d.Domain, d.Outcome)), Is.EqualTo(new[] { ("amazon.com", AuthOutcome.Fail) }));
            Assert.That(facts.Sender, Is.EqualTo("ec2-abuse@amazon.com"));
            Assert.That(facts.Body, Does.Not.Contain("subscribed to the Google Groups"), "the group's footer is not the author's text");
            Assert.That(facts.Authentication.ToString(), Is.EqualTo("arc=pass (google.com); dkim=fail (amazon.com); original: dmarc=pass header.from=amazon.com"));
        });
    }

    [Test]
    public async Task ParseAsync_AbuseReportViaGoogleGroupTamperedAfterSealing_OriginalIsNotTrusted()
    {
        var (raw, locator) = AbuseReportViaGroup();
        var text = System.Text.Encoding.UTF8.GetString(raw).Replace("abusive activity", "nothing at all", StringComparison.Ordinal);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text), writable: false);

        var facts = await new MessageParser(authenticator: new MailAuthenticator(locator))
            .ParseAsync("spool-0001", Mail.Envelope(), stream, CancellationToken.None);

        Assert.That((facts.Authentication.Arc, facts.Authentication.ArcSealer, facts.Authentication.Original), Is.EqualTo((AuthOutcome.Fail, "", (OriginalAuthentication?)null)));
        Assert.That(facts.Headers["X-Original-Authentication-Results"].Single(), Does.Contain("dmarc=pass"));
    }

    [Test]
    public async Task ParseAsync_WithoutAuthenticator_IsNotChecked()
    {
        var (raw, _) = AbuseReportViaGroup();
        using var stream = new MemoryStream(raw, writable: false);

        var facts = await new MessageParser().ParseAsync("spool-0001", Mail.Envelope(), stream, CancellationToken.None);

        Assert.That(facts.Authentication, Is.SameAs(AuthenticationFacts.NotChecked));
    }

    [Test]
    public void Parse_WithAuthenticator_StaysSynchronousAndDoesNotVerify()
    {
        var (raw, locator) = AbuseReportViaGroup();
        using var stream = new MemoryStream(raw, writable: false);

        var facts = new MessageParser(authenticator: new MailAuthenticator(locator)).Parse("spool-0001", Mail.Envelope(), stream);

        Assert.That(facts.Authentication, Is.SameAs(AuthenticationFacts.NotChecked));
        Assert.That(locator.Lookups, Is.Zero);
    }

    [Test]
    public async Task ParseAsync_StoredContent_VerifiesFromTheSpoolFile()
    {
        var (raw, locator) = AbuseReportViaGroup();
        var directory = Directory.CreateTempSubdirectory("mailgate-auth-");
        try
        {
            using var store = new SpoolStore(directory.FullName);
            var stored = await store.CommitAsync(Mail.Envelope(), new System.Buffers.ReadOnlySequence<byte>(raw), CancellationToken.None);

            var content = store.OpenContent(stored);
            await using var _ = content.ConfigureAwait(false);
            var facts = await new MessageParser(authenticator: new MailAuthenticator(locator)).ParseAsync(stored.Id, stored.Envelope, content, CancellationToken.None);

            Assert.That((facts.Authentication.Arc, facts.Authentication.Original?.HeaderFrom), Is.EqualTo((AuthOutcome.Pass, "amazon.com")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// amazon.com signs; the group rewrites From, keeps the author in X-Original-*, appends its list headers
    /// and X-Original-Authentication-Results below the others and its footer to the body; google.com seals.
    /// </summary>
    private static (byte[] Raw, InMemoryKeyLocator Locator) AbuseReportViaGroup()
    {
        var amazon = TestKeys.Ed25519();
        var google = TestKeys.Ed25519();
        var locator = new InMemoryKeyLocator()
            .Publish("amazon.com", "abuse2026", amazon)
            .Publish("google.com", "arc-20240605", google);

        var message = SignedMessages.AbuseReport();
        Signers.DkimSign(message, amazon.Private, "amazon.com", "abuse2026");

        message.From.Clear();
        message.From.Add(new MailboxAddress("'AWS Trust & Safety' via AWS root 123456789012", "aws-root-123456789012@example.com"));
        message.ReplyTo.Add(new MailboxAddress("AWS Trust & Safety", "ec2-abuse@amazon.com"));
        message.Headers.Add("X-Original-Sender", "ec2-abuse@amazon.com");
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; " + GoogleVerdict);
        message.Headers.Add("X-Original-From", "AWS Trust & Safety <ec2-abuse@amazon.com>");
        message.Headers.Add("Precedence", "list");
        message.Headers.Add("Mailing-list", "list aws-root-123456789012@example.com; contact aws-root-123456789012+owners@example.com");
        message.Headers.Add("List-ID", "<aws-root-123456789012.example.com>");
        message.Headers.Add("X-Google-Group-Id", "123456789012345");
        message.Body = new TextPart("plain") { Text = SignedMessages.AbuseBody + SignedMessages.GroupFooter };

        Signers.ArcSeal(message, google.Private, "google.com", "arc-20240605", GoogleVerdict);
        return (Signers.ToBytes(message), locator);
    }
}
