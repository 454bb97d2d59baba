using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Storage;
using MailGate.Spool;
using MailGate.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Push;

/// <summary>
/// <c>POST /aws/events</c> on a real gateway (loopback HTTP, port 0, the shipped rules, a fake PagerDuty): EventBridge
/// API-destination events authenticated by the key header, SNS notifications verified against a certificate a
/// loopback server serves (the allowed pattern is set to <c>http://127.0.0.1:port/….pem</c> for the test).
/// </summary>
[TestFixture]
public sealed partial class AwsEventsPushTests
{
    private const string Key = "k3y-0f-the-api-destination-connection";
    private const string Topic = "arn:aws:sns:us-east-1:123456789012:health-events";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private FakePagerDuty _pagerDuty = null!;
    private GatewayHarness _gateway = null!;
    private ScriptedHttpServer _sns = null!;
    private SnsSigner _signer = null!;
    private HttpClient _http = null!;
    private readonly ConcurrentQueue<string> _snsRequests = new();

    [SetUp]
    public async Task SetUp()
    {
        _snsRequests.Clear();
        _signer = new SnsSigner();
        _sns = await ScriptedHttpServer.StartAsync();
        _sns.Respond = async context =>
        {
            _snsRequests.Enqueue(context.Request.Path + context.Request.QueryString);
            context.Response.StatusCode = 200;
            await context.Response.WriteAsync(context.Request.Path.Value!.EndsWith(".pem", StringComparison.Ordinal) ? _signer.Pem : "<ConfirmSubscriptionResponse/>");
        };
        _pagerDuty = await FakePagerDuty.StartAsync();
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            GatewayHarness.ShippedRules(),
            "--AwsEvents:Enabled=true",
            $"--AwsEvents:ApiKey={Key}",
            $"--AwsEvents:SnsTopicArns:0={Topic}",
            @"--AwsEvents:SnsCertificateUrlPattern=^http://127\.0\.0\.1:[0-9]+/.*\.pem$");
        _http = new HttpClient { BaseAddress = _gateway.HttpUrl, Timeout = Timeout };
    }

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
        _gateway.DeleteFolder();
        await _pagerDuty.DisposeAsync();
        await _sns.DisposeAsync();
        _signer.Dispose();
    }

    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "health-events", name));

    private Uri CertificateUrl => new(_sns.Url, "SimpleNotificationService-test.pem");

    private async Task<(HttpStatusCode Status, JsonElement Answer)> PostAsync(string body, string? key = Key, string? snsType = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/aws/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("X-MailGate-Key", key);
        }

        if (snsType is not null)
        {
            request.Headers.Add("x-amz-sns-message-type", snsType);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone());
    }

    private async Task<string> StoredAsync(string body, string? key = Key, string? snsType = null)
    {
        var (status, answer) = await PostAsync(body, key, snsType);
        Assert.That((status, answer.GetProperty("status").GetString()), Is.EqualTo((HttpStatusCode.OK, "stored")), answer.ToString());
        var id = answer.GetProperty("id").GetString()!;
        Assert.That(await _gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));
        return id;
    }

    /// <summary>
    /// Distinct ids over all areas: a message moves forward (active → done) while the areas are listed one
    /// after the other, so the same id can be listed in two of them (a plain sum once counted 2 in CI).
    /// </summary>
    private int StoredCount() => StoredIds().Count;

    private HashSet<string> StoredIds() => [.. Enum.GetValues<SpoolArea>().SelectMany(area => _gateway.Spool.Ids(area))];

    [Test]
    public async Task EventBridge_RightKey_OneIncidentNamingTheAccount()
    {
        await StoredAsync(Fixture("eventbridge-risk.json"));

        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Timeout);
        var trigger = _pagerDuty.Accepted.Single();
        Assert.That(trigger.Json.GetProperty("event_action").GetString(), Is.EqualTo("trigger"));
        Assert.That(trigger.Payload.GetProperty("summary").GetString(), Does.Contain("AWS_RISK_CREDENTIALS_EXPOSED").And.Contain("111122223333"));
        Assert.That(trigger.Payload.GetProperty("severity").GetString(), Is.EqualTo("critical"));
    }

    [TestCase(null, TestName = "EventBridge_MissingKey_401_NothingStored")]
    [TestCase("", TestName = "EventBridge_EmptyKey_401_NothingStored")]
    [TestCase("k3y-0f-the-api-destination-connectioN", TestName = "EventBridge_WrongKey_401_NothingStored")]
    public async Task EventBridge_BadKey_401_NothingStored(string? key)
    {
        var (status, answer) = await PostAsync(Fixture("eventbridge-risk.json"), key);

        Assert.That((status, answer.GetProperty("status").GetString()), Is.EqualTo((HttpStatusCode.Unauthorized, "refused")));
        Assert.That(StoredCount(), Is.Zero);
        Assert.That(_pagerDuty.Requests, Is.Empty);
    }

    [Test]
    public async Task EventBridge_SameEventTwice_StoredOnce_OneIncident()
    {
        await StoredAsync(Fixture("eventbridge-abuse.json"));
        var (status, answer) = await PostAsync(Fixture("eventbridge-abuse.json"));

        Assert.That((status, answer.GetProperty("status").GetString()), Is.EqualTo((HttpStatusCode.OK, "duplicate")));
        Assert.That(StoredCount(), Is.EqualTo(1));
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Timeout);
        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task SameEvent_PushedAndPolled_OneIncident()
    {
        // The poller's way in: the (event, account) read from DescribeEventDetailsForOrganization, committed as polled.
        using var details = JsonDocument.Parse(Fixture("eventbridge-risk.json"));
        var polled = HealthEventReader.FromEventBridge(details.RootElement) with { AccountName = "prod" };
        var intake = _gateway.Services.GetRequiredService<IMessageIntake>();
        var message = await intake.CommitAsync(
            Envelope.ForHealthEvent(new HealthEventOrigin(HealthEventOrigin.Polled), DateTimeOffset.UtcNow),
            new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(polled.Json)),
            CancellationToken.None);
        _gateway.Services.GetRequiredService<ProcessingInbox>().Enqueue(message);
        Assert.That(await _gateway.WaitFinishedAsync(message.Id), Is.EqualTo(SpoolArea.Done));
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Timeout);

        await StoredAsync(Fixture("eventbridge-risk.json"));

        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1), "the pushed copy is a duplicate of the polled one");
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task Sns_ValidSignature_Stored_OneIncident(int version)
    {
        var notification = _signer.Notification(Topic, Fixture("eventbridge-risk.json"), CertificateUrl, version, subject: version == 1 ? "AWS Health" : null);

        await StoredAsync(notification.ToJsonString(), key: null, snsType: "Notification");

        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Timeout);
        Assert.That(_pagerDuty.Accepted.Single().Payload.GetProperty("summary").GetString(), Does.Contain("111122223333"));
        Assert.That(_snsRequests, Is.EqualTo(new[] { "/SimpleNotificationService-test.pem" }));
    }

    [Test]
    public async Task Sns_CertificateFetchedOnce_ThenCached()
    {
        await StoredAsync(_signer.Notification(Topic, Fixture("eventbridge-risk.json"), CertificateUrl).ToJsonString(), key: null, snsType: "Notification");
        await StoredAsync(_signer.Notification(Topic, Fixture("eventbridge-abuse.json"), CertificateUrl).ToJsonString(), key: null, snsType: "Notification");

        Assert.That(_snsRequests, Has.Count.EqualTo(1));
    }

    [TestCase("Message", TestName = "Sns_TamperedMessage_Refused")]
    [TestCase("Timestamp", TestName = "Sns_TamperedTimestamp_Refused")]
    [TestCase("Signature", TestName = "Sns_TamperedSignature_Refused")]
    public async Task Sns_Tampered_Refused_NothingStored(string field)
    {
        var notification = _signer.Notification(Topic, Fixture("eventbridge-risk.json"), CertificateUrl);
        notification[field] = field switch
        {
            "Message" => ((string)notification["Message"]!).Replace("111122223333", "999999999999", StringComparison.Ordinal),
            "Timestamp" => "2026-11-30T09:17:04.123Z",
            _ => Convert.ToBase64String(new byte[256]),
        };

        var (status, answer) = await PostAsync(notification.ToJsonString(), key: null, snsType: "Notification");

        Assert.That((status, answer.GetProperty("status").GetString()), Is.EqualTo((HttpStatusCode.Forbidden, "refused")));
        Assert.That(answer.GetProperty("reason").GetString(), Does.Contain("signature"));
        Assert.That(StoredCount(), Is.Zero);
    }

    [TestCase("https://sns.us-east-1.amazonaws.com.evil.example/cert.pem")]
    [TestCase("http://127.0.0.1:1/cert.txt")]
    public async Task Sns_CertificateUrlOutsideThePattern_RefusedWithoutFetching(string url)
    {
        var notification = _signer.Notification(Topic, Fixture("eventbridge-risk.json"), new Uri(url));

        var (status, answer) = await PostAsync(notification.ToJsonString(), key: null, snsType: "Notification");

        Assert.That((status, answer.GetProperty("reason").GetString()), Is.EqualTo((HttpStatusCode.Forbidden, $"SNS signature refused: SigningCertURL '{url}' does not match AwsEvents:SnsCertificateUrlPattern")));
        Assert.That(StoredCount(), Is.Zero);
        Assert.That(_snsRequests, Is.Empty);
    }

    [Test]
    public async Task Sns_SubscriptionConfirmation_ConfirmedOnlyForListedTopics()
    {
        var unknown = _signer.SubscriptionConfirmation("arn:aws:sns:us-east-1:999999999999:someone-elses", new Uri(_sns.Url, "confirm?topic=unknown"), CertificateUrl);
        var (unknownStatus, _) = await PostAsync(unknown.ToJsonString(), key: null, snsType: "SubscriptionConfirmation");
        Assert.That(unknownStatus, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(_snsRequests, Is.Empty, "neither the certificate nor the SubscribeURL is fetched for an unlisted topic");

        var listed = _signer.SubscriptionConfirmation(Topic, new Uri(_sns.Url, "confirm?topic=listed"), CertificateUrl);
        var (status, answer) = await PostAsync(listed.ToJsonString(), key: null, snsType: "SubscriptionConfirmation");
        Assert.That((status, answer.GetProperty("status").GetString()), Is.EqualTo((HttpStatusCode.OK, "confirmed")));
        Assert.That(_snsRequests, Is.EqualTo(new[] { "/SimpleNotificationService-test.pem", "/confirm?topic=listed" }));
        Assert.That(StoredCount(), Is.Zero);
    }

    [Test]
    public async Task BodyOver256KiB_413_NothingStored()
    {
        var big = JsonNode.Parse(Fixture("eventbridge-risk.json"))!;
        big["detail"]!["padding"] = new string('x', 256 * 1024);

        var (status, _) = await PostAsync(big.ToJsonString());
        var (snsStatus, _) = await PostAsync(_signer.Notification(Topic, big.ToJsonString(), CertificateUrl).ToJsonString(), key: null, snsType: "Notification");

        Assert.That((status, snsStatus), Is.EqualTo((HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.RequestEntityTooLarge)));
        Assert.That(StoredCount(), Is.Zero);
    }

    [TestCase("""{"version":"0","id":"1","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","detail":{"instance-id":"i-1","state":"running"}}""")]
    [TestCase("""{"detail-type":"AWS Health Event","source":"aws.health","detail":{"service":"RISK"}}""")]
    [TestCase("not json")]
    public async Task NotAHealthEvent_400_NothingStored(string body)
    {
        var (status, answer) = await PostAsync(body);

        Assert.That((status, answer.GetProperty("status").GetString()), Is.EqualTo((HttpStatusCode.BadRequest, "refused")));
        Assert.That(StoredCount(), Is.Zero);
    }
}
