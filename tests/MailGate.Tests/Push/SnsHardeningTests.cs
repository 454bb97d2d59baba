using System.IO.Pipelines;
using System.Net;
using MailGate.Push;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Push;

/// <summary>The SNS checks alone (no server): certificate URL tricks never fetched, a stalled certificate server bounded by the clock, SubscribeURL only SNS in the topic's region, stale timestamps.</summary>
[TestFixture]
public sealed class SnsHardeningTests
{
    private const string Topic = "arn:aws:sns:us-east-1:123456789012:health-events";

    private sealed class Recording(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler, IHttpClientFactory
    {
        public List<Uri> Requests { get; } = [];

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(request.RequestUri!);
            }

            return Task.FromResult(answer(request));
        }
    }

    private static SnsMessage Signed(string certificateUrl, DateTimeOffset at) => new()
    {
        Type = SnsMessage.Notification,
        MessageId = "m-1",
        TopicArn = Topic,
        Message = "{}",
        Timestamp = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        SignatureVersion = "2",
        Signature = Convert.ToBase64String(new byte[256]),
        SigningCertUrl = certificateUrl,
    };

    private static SnsSignatureVerifier Verifier(Recording http, TimeProvider time, string? pattern = null) =>
        new(Options.Create(new AwsEventsOptions { SnsCertificateUrlPattern = pattern ?? AwsEventsOptions.DefaultSnsCertificateUrlPattern }), http, time);

    [TestCase("https://sns.us-east-1.amazonaws.com.evil.com/x.pem", null)]
    [TestCase("https://sns.us-east-1.amazonaws.com@evil.example/x.pem", null)]
    [TestCase("https://sns.us-east-1.amazonaws.com:443@evil.example/x.pem", null)]
    [TestCase("http://sns.us-east-1.amazonaws.com/x.pem", null)]
    [TestCase("https://sns.us-east-1.amazonaws.com:8443/x.pem", null)]
    [TestCase("https://evil.example/sns.us-east-1.amazonaws.com/x.pem", null)]
    [TestCase("https://sns.us-east-1.amazonaws.com\\@evil.example/x.pem", null)]
    [TestCase("https://sns.us-east-1.amazonaws.com%2F@evil.example/x.pem", null)]
    [TestCase("https://sns.evil.example#.amazonaws.com/x.pem", null)]
    [TestCase("https://sns.us-east-1.amazonaws.com/x.pem.txt", null)]
    [TestCase("https://sns.us-east-1.amazonaws.com@evil.example/x.pem", @"^https://sns\.us-east-1\.amazonaws\.com.*\.pem$")]
    [TestCase("https://sns.us-east-1.amazonaws.com:@evil.example/x.pem", @"^https://sns\.us-east-1\.amazonaws\.com.*\.pem$")]
    public async Task CertificateUrlTrick_RefusedWithoutAnyRequest(string url, string? pattern)
    {
        var http = new Recording(_ => new HttpResponseMessage(HttpStatusCode.OK));
        using (http)
        {
            var problem = await Verifier(http, TimeProvider.System, pattern).ProblemAsync(Signed(url, DateTimeOffset.UtcNow), CancellationToken.None);

            Assert.That(problem, Does.Contain("SigningCertURL"));
            Assert.That(http.Requests, Is.Empty);
        }
    }

    [Test]
    public async Task StalledCertificateServer_GivesUpAfterTheFetchTimeout_OnTheInjectedClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var never = new Pipe();
        var http = new Recording(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(never.Reader.AsStream()) });
        using (http)
        {
            var check = Verifier(http, time).ProblemAsync(Signed("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem", time.GetUtcNow()), CancellationToken.None);
            Assert.That(check.IsCompleted, Is.False, "the body never comes");

            time.Advance(SnsSignatureVerifier.FetchTimeout + TimeSpan.FromSeconds(1));

            var failure = Assert.ThrowsAsync<HttpRequestException>(async () => await check.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.That(failure!.Message, Does.Contain("not fetched within"));
        }

        await never.Writer.CompleteAsync();
    }

    [TestCase(0, null)]
    [TestCase(-59, null)]
    [TestCase(-61, "replay")]
    [TestCase(-24 * 60, "replay")]
    [TestCase(4, null)]
    [TestCase(6, "future")]
    public void Timestamp_OlderThanAnHourOrAhead_IsAReplay(int minutes, string? problem)
    {
        var now = new DateTimeOffset(2026, 12, 1, 4, 0, 0, TimeSpan.Zero);
        var stamp = now.AddMinutes(minutes).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

        Assert.That(SnsSignatureVerifier.StaleProblem(stamp, now), problem is null ? Is.Null : Does.Contain(problem));
        Assert.That(SnsSignatureVerifier.StaleProblem("yesterday", now), Does.Contain("not a time"));
        Assert.That(SnsSignatureVerifier.StaleProblem(null, now), Does.Contain("not a time"));
    }

    [TestCase("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=t", "https://sns.us-east-1.amazonaws.com/c.pem", null)]
    [TestCase("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=t", "https://sns.eu-west-1.amazonaws.com/c.pem", "topic's region")]
    [TestCase("https://sns.us-east-1.amazonaws.com.evil.example/?Action=ConfirmSubscription", "https://sns.us-east-1.amazonaws.com/c.pem", "not on the host")]
    [TestCase("https://sns.us-east-1.amazonaws.com@169.254.169.254/latest/meta-data", "https://sns.us-east-1.amazonaws.com/c.pem", "user info")]
    [TestCase("http://169.254.169.254/latest/meta-data/iam", "https://sns.us-east-1.amazonaws.com/c.pem", "not on the host")]
    [TestCase("http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription", "https://sns.us-east-1.amazonaws.com/c.pem", "not on the host")]
    [TestCase("https://sns.us-east-1.amazonaws.com:8443/?Action=ConfirmSubscription", "https://sns.us-east-1.amazonaws.com/c.pem", "not on the host")]
    [TestCase("file:///etc/passwd", "https://sns.us-east-1.amazonaws.com/c.pem", "not on the host")]
    [TestCase("not a url", "https://sns.us-east-1.amazonaws.com/c.pem", "not an absolute URL")]
    [TestCase("http://127.0.0.1:5000/confirm", "http://127.0.0.1:5000/c.pem", null)]
    [TestCase("http://127.0.0.1:5001/confirm", "http://127.0.0.1:5000/c.pem", "not on the host")]
    public void SubscribeUrl_OnlySnsOfTheTopicsRegion(string subscribe, string certificate, string? problem)
    {
        var message = new SnsMessage { Type = SnsMessage.SubscriptionConfirmation, TopicArn = Topic, SubscribeUrl = subscribe, SigningCertUrl = certificate };

        Assert.That(SnsEndpoints.SubscribeProblem(message), problem is null ? Is.Null : Does.Contain(problem));
    }
}
