using MailGate.Core.Deliver;
using MailGate.Deliver;
using MailGate.Outbound;
using MailGate.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Deliver;

/// <summary>
/// The PagerDuty client against endpoints that misbehave, over real HTTP on loopback: redirects are never
/// followed, <c>Retry-After</c> is bounded, bodies are bounded, the routing key never comes back in an error.
/// </summary>
[TestFixture]
public sealed class PagerDutyClientTests
{
    private const string Key = "R0123456789abcdef0123456789abcde";
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private ScriptedHttpServer _endpoint = null!;
    private ScriptedHttpServer _elsewhere = null!;
    private HttpClient _http = null!;
    private ByteCountingHandler _counter = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _endpoint = await ScriptedHttpServer.StartAsync();
        _elsewhere = await ScriptedHttpServer.StartAsync();
        _counter = new ByteCountingHandler { InnerHandler = OutboundHttp.CreateHandler() };
        _http = new HttpClient(_counter) { Timeout = TimeSpan.FromSeconds(30) };
    }

    [TearDown]
    public async Task StopAsync()
    {
        _http.Dispose();
        _counter.Dispose();
        await _endpoint.DisposeAsync();
        await _elsewhere.DisposeAsync();
    }

    private PagerDutyClient CreateSut(TimeSpan? retryMaxDelay = null) => new(
        _http,
        Options.Create(new PagerDutyOptions { RetryMaxDelay = retryMaxDelay ?? TimeSpan.FromMinutes(5), RequestTimeout = TimeSpan.FromSeconds(30) }),
        new FakeTimeProvider(Now));

    private static PagerDutyEvent Event() => new()
    {
        RoutingKey = Key,
        DedupKey = "k",
        Payload = new PagerDutyPayload { Summary = "s", Source = "src", Severity = "critical" },
    };

    private Task<SendResult> SendAsync(PagerDutyClient sut) => sut.SendAsync(new Uri(_endpoint.Url, "v2/enqueue"), Event(), CancellationToken.None);

    [TestCase(301)]
    [TestCase(302)]
    [TestCase(303)]
    [TestCase(307)]
    [TestCase(308)]
    public async Task SendAsync_Redirect_IsNotFollowedAndIsARetryableFailure(int status)
    {
        _endpoint.Respond = ScriptedHttpServer.Redirect(status, new Uri(_elsewhere.Url, "v2/enqueue?steal=1"));

        var result = await SendAsync(CreateSut());

        Assert.Multiple(() =>
        {
            Assert.That(_elsewhere.Requests, Is.Zero, "the event and its routing key went nowhere else");
            Assert.That(result.IsAccepted, Is.False);
            Assert.That(result.IsTransient, Is.True, "retried: something between MailGate and PagerDuty answers");
            Assert.That(result.StatusCode, Is.EqualTo(status));
            Assert.That(result.Detail, Does.Contain($"redirect to {_elsewhere.Url.GetLeftPart(UriPartial.Authority)} not followed"));
            Assert.That(result.Detail, Does.Not.Contain("steal"), "only the authority of the Location is shown");
        });
    }

    [TestCase("86400", 300, TestName = "SendAsync_RetryAfterOneDay_IsCutToRetryMaxDelay")]
    [TestCase("120", 120, TestName = "SendAsync_RetryAfterWithinTheCap_IsKept")]
    [TestCase("0", -1, TestName = "SendAsync_RetryAfterZero_LeavesTheBackoffInCharge")]
    [TestCase("Wed, 30 Dec 2026 12:00:00 GMT", 300, TestName = "SendAsync_RetryAfterDateAMonthAhead_IsCutToRetryMaxDelay")]
    [TestCase("Mon, 30 Nov 2026 12:01:00 GMT", 60, TestName = "SendAsync_RetryAfterDateAMinuteAhead_IsAMinute")]
    [TestCase("Mon, 30 Nov 2026 11:00:00 GMT", -1, TestName = "SendAsync_RetryAfterDateInThePast_LeavesTheBackoffInCharge")]
    public async Task SendAsync_RetryAfter_IsBoundedByRetryMaxDelay(string retryAfter, int expectedSeconds)
    {
        _endpoint.Respond = ScriptedHttpServer.Status(429, "{}", retryAfter, date: "Mon, 30 Nov 2026 12:00:00 GMT");

        var result = await SendAsync(CreateSut(TimeSpan.FromMinutes(5)));

        Assert.That(result.RetryAfter, Is.EqualTo(expectedSeconds < 0 ? null : TimeSpan.FromSeconds(expectedSeconds)), "-1: none (no wait asked for: the backoff decides)");
    }

    [Test]
    public async Task SendAsync_RetryAfterDateWithoutADateHeader_CountsFromTheInjectedClock()
    {
        using var handler = new ScriptedHandler(() =>
        {
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{}") };
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(Now.AddMinutes(2));
            return response;
        });
        using var http = new HttpClient(handler);
        var sut = new PagerDutyClient(http, Options.Create(new PagerDutyOptions()), new FakeTimeProvider(Now));

        var result = await sut.SendAsync(new Uri("http://127.0.0.1:9/v2/enqueue"), Event(), CancellationToken.None);

        Assert.That(result.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(2)));
    }

    [Test]
    public async Task SendAsync_AcceptedWith150MegabyteBody_IsAcceptedWithoutReadingTheBody()
    {
        const long size = 150L * 1024 * 1024;
        _endpoint.Respond = ScriptedHttpServer.HugeBody(202, size);

        var result = await SendAsync(CreateSut());

        Assert.That(result.IsAccepted, Is.True);
        Assert.That(result.Detail, Is.EqualTo("accepted"));
        Assert.That(_counter.BytesRead, Is.Zero, "the status decides; the body is not read");
    }

    [Test]
    public async Task SendAsync_ErrorWith150MegabyteBody_ReadsOnlyTheBoundAndSaysSo()
    {
        const long size = 150L * 1024 * 1024;
        _endpoint.Respond = ScriptedHttpServer.HugeBody(500, size);

        var result = await SendAsync(CreateSut());

        Assert.Multiple(() =>
        {
            Assert.That(_counter.BytesRead, Is.InRange(PagerDutyClient.MaxResponseBytes, PagerDutyClient.MaxResponseBytes + (64 * 1024)), "the bound, give or take a read");
            Assert.That(result.StatusCode, Is.EqualTo(500));
            Assert.That(result.IsTransient, Is.True);
            Assert.That(result.Detail.Length, Is.LessThanOrEqualTo(1024));
            Assert.That(result.Detail, Does.StartWith("xxxx"));
        });
    }

    [TestCase("R0123456789ABCDEF0123456789ABCDE", TestName = "SendAsync_ErrorQuotingTheKeyInUpperCase_IsRedacted")]
    [TestCase("r0123456789abcdef0123456789abcde", TestName = "SendAsync_ErrorQuotingTheKeyInLowerCase_IsRedacted")]
    [TestCase(@"\u0052\u0030123456789abcdef0123456789abcde", TestName = "SendAsync_ErrorQuotingTheKeyJsonEscaped_IsRedacted")]
    [TestCase("%52%30123456789abcdef0123456789abcde", TestName = "SendAsync_ErrorQuotingTheKeyUrlEncoded_IsRedacted")]
    public async Task SendAsync_ErrorQuotingTheKey_NeverReturnsIt(string quoted)
    {
        _endpoint.Respond = ScriptedHttpServer.Status(400, $$"""{"status":"invalid event","message":"Event object is invalid","errors":["routing_key '{{quoted}}' is not a valid integration key"]}""");

        var result = await SendAsync(CreateSut());

        Assert.That(result.Detail, Is.EqualTo("Event object is invalid; routing_key '[routing key]' is not a valid integration key"));
    }

    [Test]
    public async Task SendAsync_NonJsonErrorQuotingTheKey_IsRedacted()
    {
        _endpoint.Respond = ScriptedHttpServer.Status(502, $"<html>bad gateway for {Key.ToUpperInvariant()}</html>");

        var result = await SendAsync(CreateSut());

        Assert.That(result.Detail, Is.EqualTo("<html>bad gateway for [routing key]</html>"));
    }
}
