using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Spool;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using MimeKit;

namespace MailGate.Tests.EndToEnd;

/// <summary>
/// The shipped rules' trust model end to end: only mail that really came from AWS through Google
/// (a valid google.com ARC seal over Google's dmarc=pass for amazon.com, keys served by a DNS server
/// on loopback) pages at full severity; a forgery sent straight to the port is paged marked
/// "[unverified]" at warning, and a flood of them is cut off per sender.
/// </summary>
[TestFixture]
public sealed class TrustTests : GatewayTestBase
{
    private const string Selector = "arc-test";
    private Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair _googleKey = null!;

    protected override string Rules => GatewayHarness.ShippedRules();

    [SetUp]
    public void SetUp()
    {
        _googleKey = TestKeys.Ed25519();
        Gateway.Dns.Txt($"{Selector}._domainkey.google.com", 300, TestKeys.TxtRecord(_googleKey.Public));
    }

    private MimeMessage ThroughGoogle(string dmarc = "pass") => AbuseReports.ThroughGoogle(_googleKey.Private, Selector, dmarc);

    private static MimeMessage Forged(string sender = "ec2-abuse@amazon.com") => AbuseReports.Forged(sender);

    [Test]
    public async Task GenuineAbuseReport_ThroughGoogle_PagesCritical()
    {
        var id = await Mail.SendAsync(Gateway, ThroughGoogle());

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));
        var sent = PagerDuty.Requests.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sent.Payload.GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(sent.Payload.GetProperty("summary").GetString(), Is.EqualTo("AWS abuse report for account 123456789012: Your AWS Abuse Report [12345678] [AWS ID 123456789012]"));
            Assert.That(sent.Details.GetProperty("trusted").GetBoolean(), Is.True);
            Assert.That(sent.Details.GetProperty("authentication").GetString(), Does.StartWith("arc=pass (google.com)").And.Contain("original: dmarc=pass header.from=amazon.com"));
            Assert.That(sent.Details.GetProperty("sender").GetString(), Is.EqualTo("ec2-abuse@amazon.com"));
        }
    }

    [Test]
    public async Task ForgedAbuseReport_SentStraightToThePort_PagesOnlyMarkedAtWarning()
    {
        var id = await Mail.SendAsync(Gateway, Forged());

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));
        var sent = PagerDuty.Requests.Single();
        Assert.That(sent.Payload.GetProperty("severity").GetString(), Is.EqualTo("warning"));
        Assert.That(sent.Payload.GetProperty("summary").GetString(), Does.StartWith("[unverified] AWS abuse report"));
        Assert.That(sent.Details.GetProperty("trusted").GetBoolean(), Is.False);
        Assert.That(sent.Details.GetProperty("authentication").GetString(), Does.StartWith("arc=none"));
    }

    [Test]
    public async Task GoogleSawDmarcFail_EvenWithAValidSeal_IsNotTrusted()
    {
        var id = await Mail.SendAsync(Gateway, ThroughGoogle(dmarc: "fail"));

        await Gateway.WaitFinishedAsync(id);
        Assert.That(PagerDuty.Requests.Single().Payload.GetProperty("severity").GetString(), Is.EqualTo("warning"));
    }

    [Test]
    public async Task SealWithAKeyGoogleDoesNotPublish_IsNotTrusted()
    {
        Gateway.Dns.Txt($"{Selector}._domainkey.google.com", 300, TestKeys.TxtRecord(TestKeys.Ed25519().Public));

        var id = await Mail.SendAsync(Gateway, ThroughGoogle());

        await Gateway.WaitFinishedAsync(id);
        var sent = PagerDuty.Requests.Single();
        Assert.That(sent.Payload.GetProperty("severity").GetString(), Is.EqualTo("warning"));
        Assert.That(sent.Details.GetProperty("authentication").GetString(), Does.StartWith("arc=fail"));
    }

    [Test]
    public async Task FloodOfForgeries_FromOneSender_PagesFivePerHourThenOnlyCounts()
    {
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await Mail.SendAsync(Gateway, Forged()));
        }

        foreach (var id in ids)
        {
            await Gateway.WaitFinishedAsync(id);
        }

        Assert.That(PagerDuty.Requests, Has.Count.EqualTo(5));
        var last = Gateway.Spool.Find(ids[^1])!.Value.Message;
        Assert.That(SpoolStore.ReadState(last).Untrusted.Single(), Does.Contain("over trust.untrusted.max_per_sender_per_hour"));
        using var http = new HttpClient { BaseAddress = Gateway.HttpUrl };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.That(metrics, Does.Match("mailgate_rules_untrusted_total\\{[^}]*outcome=\"rate_limited\"[^}]*\\} 2"));
        Assert.That(metrics, Does.Match("mailgate_rules_untrusted_total\\{[^}]*outcome=\"paged\"[^}]*\\} 5"));
    }
}
