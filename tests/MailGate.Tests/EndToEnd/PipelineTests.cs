using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Text.Json;
using MailGate.Spool;
using MailGate.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailGate.Tests.EndToEnd;

/// <summary>The whole path over real sockets: MailKit → SMTP → spool → rules → HTTP → fake PagerDuty.</summary>
[TestFixture]
public sealed class PipelineTests : GatewayTestBase
{
    [Test]
    public async Task AbuseReport_RewrittenByGoogleGroup_OpensExactlyOneIncident()
    {
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));
        var events = PagerDuty.Requests;
        Assert.That(events, Has.Count.EqualTo(1));
        var sent = events[0];
        var details = sent.Details;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sent.RoutingKey, Is.EqualTo(GatewayHarness.RoutingKey));
            Assert.That(sent.Json.GetProperty("event_action").GetString(), Is.EqualTo("trigger"));
            Assert.That(sent.Payload.GetProperty("summary").GetString(),
                Is.EqualTo("AWS abuse report for 123456789012: Your AWS Abuse Report [12345678] [AWS ID 123456789012]"));
            Assert.That(sent.Payload.GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(sent.Payload.GetProperty("source").GetString(), Is.EqualTo("ec2-abuse@amazon.com"));
            Assert.That(sent.Payload.GetProperty("class").GetString(), Is.EqualTo("aws-abuse-report"));
            Assert.That(sent.Payload.GetProperty("group").GetString(), Is.EqualTo("aws-root-123456789012.example.com"));
            Assert.That(sent.DedupKey, Does.StartWith("mailgate-aws-abuse-report-"));
            Assert.That(details.GetProperty("sender").GetString(), Is.EqualTo("ec2-abuse@amazon.com"));
            Assert.That(details.GetProperty("from").GetString(), Is.EqualTo("aws-root-123456789012@example.com"));
            Assert.That(details.GetProperty("envelope_from").GetString(), Is.EqualTo("aws-root-123456789012+bncBAABB@example.com"));
            Assert.That(details.GetProperty("recipients")[0].GetString(), Is.EqualTo("aws-abuse@mailgate.example.com"));
            Assert.That(details.GetProperty("message_id").GetString(), Is.EqualTo("0100018f1a2b3c4d-abuse-report-12345678@email.amazonses.com"));
            Assert.That(details.GetProperty("spool_id").GetString(), Is.EqualTo(id));
            Assert.That(details.GetProperty("account_id").GetString(), Is.EqualTo("123456789012"));
            Assert.That(details.GetProperty("account").GetString(), Is.EqualTo("123456789012"));
            Assert.That(details.GetProperty("body").GetString(), Does.Contain("EC2 Instance Id: i-0abc1234def567890"));
            Assert.That(sent.Json.GetProperty("client").GetString(), Is.EqualTo("MailGate"));
            Assert.That(sent.ContentType, Is.EqualTo("application/json"));
            Assert.That(sent.ContentLength, Is.EqualTo(System.Text.Encoding.UTF8.GetByteCount(sent.Raw)), "sent with a Content-Length, not chunked");
        }
    }

    [Test]
    public async Task SameEmailTwice_ThroughTwoPaths_SendsOneDedupKey()
    {
        var first = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        var second = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(first);
        await Gateway.WaitFinishedAsync(second);

        var keys = PagerDuty.Requests.Select(r => r.DedupKey).Distinct().ToArray();
        Assert.That(keys, Has.Length.EqualTo(1), "PagerDuty collapses events with one dedup key into one incident");
    }

    [Test]
    public async Task BillingStatement_FromAws_DoesNotPage()
    {
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("billing-statement-via-google-group.eml"));

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));
        Assert.That(PagerDuty.Requests, Is.Empty);
        var done = Gateway.Spool.Find(id)!.Value;
        Assert.That(SpoolStore.ReadState(done.Message).DroppedBy, Is.EqualTo("everything-else"));
    }

    [Test]
    public async Task PagerDutyFailsOnce_ThenAccepts_DeliveredOnceAfterRetry()
    {
        PagerDuty.Respond = n => n == 1 ? FakeResponse.ServerError : FakeResponse.Accepted;

        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));
        var requests = PagerDuty.Requests;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(requests.Select(r => r.Status), Is.EqualTo(new[] { 500, 202 }));
            Assert.That(requests[1].DedupKey, Is.EqualTo(requests[0].DedupKey));
            Assert.That(PagerDuty.Accepted, Has.Count.EqualTo(1));
        }

        var state = SpoolStore.ReadState(Gateway.Spool.Find(id)!.Value.Message);
        Assert.That(state.Deliveries[0].Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(state.Deliveries[0].Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task PagerDutyRateLimits_WithRetryAfter_RetriedUntilAccepted()
    {
        PagerDuty.Respond = n => n <= 2 ? new FakeResponse(429, "{}", RetryAfter: TimeSpan.Zero) : FakeResponse.Accepted;

        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));
        Assert.That(PagerDuty.Requests.Select(r => r.Status), Is.EqualTo(new[] { 429, 429, 202 }));
    }

    [Test]
    public async Task PagerDutyRejectsEvent_MessageIsDeadLetteredWithTheReason()
    {
        PagerDuty.Respond = _ => FakeResponse.Invalid;

        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Dead));
        Assert.That(PagerDuty.Requests, Has.Count.EqualTo(1), "a 400 is never retried");
        var state = SpoolStore.ReadState(Gateway.Spool.Find(id)!.Value.Message);
        Assert.That(state.Deliveries[0].Status, Is.EqualTo(DeliveryStatus.Rejected));
        Assert.That(state.Deliveries[0].LastError, Does.Contain("400").And.Contain("routing_key"));
    }

    [Test]
    public async Task RoutingKey_IsNeverWrittenToTheSpool()
    {
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(id);

        var folder = Gateway.Spool.Find(id)!.Value.Message.Directory;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            Assert.That(await File.ReadAllTextAsync(file), Does.Not.Contain(GatewayHarness.RoutingKey), file);
        }
    }

    [Test]
    public async Task AcceptedMessage_IsStoredByteForByte()
    {
        var path = Mail.FixturePath("abuse-report-via-google-group.eml");

        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(id);

        var stored = await File.ReadAllBytesAsync(Gateway.Spool.Find(id)!.Value.Message.MessagePath);
        Assert.That(stored, Is.EqualTo(await File.ReadAllBytesAsync(path)));
    }

    [Test]
    public async Task UnknownRecipient_IsRefusedWith550()
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(Gateway.SmtpEndpoint.Address.ToString(), Gateway.SmtpEndpoint.Port, SecureSocketOptions.None);

        var error = Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(
            Mail.Fixture("abuse-report-via-google-group.eml"),
            MailboxAddress.Parse("attacker@example.net"),
            [MailboxAddress.Parse("victim@elsewhere.example")]));

        Assert.That((int)error!.StatusCode, Is.EqualTo(550));
        Assert.That(error.Message, Does.StartWith("5.1.1"));
    }

    [Test]
    public async Task HealthEndpoint_AnswersOk()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(Gateway.HttpUrl, "/healthz"));
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("ok"));
    }
}
