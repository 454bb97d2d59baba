using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Http;
using MailGate.Status;
using MailGate.Tests.Storage;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGate.Tests.Status;

/// <summary>
/// Issue #17, attacked: the Retry form's token (other site, other browser, no token, another replica on the same
/// storage), DNS rebinding on a loopback listener, hostile ids and page numbers, the Health poller and Health-event
/// decisions with attacker-written text, in the page and the API.
/// </summary>
[TestFixture]
public sealed partial class StatusAttackTests
{
    private const string Hostile = "<img src=x onerror=alert(1)>\"'`</td><script>alert(2)</script>";

    [TestCase(typeof(MailOrigin), "mail")]
    [TestCase(typeof(SupportCaseOrigin), "support case")]
    [TestCase(typeof(HealthEventOrigin), "Health event")]
    public void Source_NamesEachIntake(Type origin, string shown)
    {
        MessageOrigin value = origin == typeof(MailOrigin) ? new MailOrigin("a@example.com", ["b@example.com"])
            : origin == typeof(SupportCaseOrigin) ? new SupportCaseOrigin("123456789012", "prod", "aws@example.com", "en")
            : new HealthEventOrigin(HealthEventOrigin.Polled);
        Assert.That(DecisionRecords.SourceOf(value), Is.EqualTo(shown));
    }

    [TestCase(null, "The AWS Health poller is off")]
    [TestCase("error", "&lt;img src=x onerror=alert(1)&gt;")]
    public void PollersSection_ShowsTheHealthPoller_WithItsErrorAsText(string? state, string expected)
    {
        var health = state is null ? null : new HealthEventsReport(state, Hostile, null, 3, 7);
        var overview = new StatusOverview("1.0", TimeSpan.FromMinutes(5), "abc", null, false, "file", "/spool", 0, 0, null, new PollersReport(null, health));
        var html = StatusHtml.Overview(overview, Paging.Of(Array.Empty<DecisionSummary>(), 1, 25), [], new DecisionFilter(null, null), "t", null);
        var section = html[html.IndexOf("<section id=\"pollers\">", StringComparison.Ordinal)..];
        Assert.That(section, Does.Contain(expected).And.Contain("health-poller").And.Not.Contain("<img").And.Not.Contain("<script"));
        if (state is not null)
        {
            Assert.That(section, Does.Contain("3 poll(s), 7 event(s) spooled"));
        }
    }

    [Test]
    public async Task RetryForm_IsRefused_WithoutItsToken_FromAnotherSite_OrWithAnotherBrowsersCookie()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, "--Spool:ScanInterval=00:00:00.200");
        var dead = await DeadLetterAsync(gateway, pagerDuty);
        using var http = NoRedirects(gateway.HttpUrl);
        var (cookie, token, setCookie) = await FormAsync(http);
        Assert.That(setCookie, Does.Contain("httponly").And.Contain("samesite=strict").IgnoreCase, "the nonce cookie's flags");
        var (otherCookie, _, _) = await FormAsync(http);

        (string? Cookie, string? Token, string? Origin, string? Site)[] refused =
        [
            (null, null, null, null), // nothing
            (cookie, null, null, null), // no token
            (null, token, null, null), // no cookie
            (cookie, token[..^1] + (token[^1] == '0' ? '1' : '0'), null, null), // a forged token
            (otherCookie, token, null, null), // another browser's cookie
            (cookie, token, "http://evil.example", null), // a cross-site form post
            (cookie, token, "null", null), // a sandboxed frame, or an old browser under no-referrer
            (cookie, token, "null", "cross-site"), // a cross-site sandboxed frame
            (cookie, token, gateway.HttpUrl.GetLeftPart(UriPartial.Authority), "cross-site"), // the browser says cross-site
            (cookie, token, null, "same-site"), // a sibling port or subdomain
        ];
        foreach (var (c, t, origin, site) in refused)
        {
            using var answer = await PostRetryAsync(http, dead, c, t, origin, site);
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"cookie {c is not null}, token {t}, origin {origin}, site {site}");
        }

        Assert.That(gateway.Spool.Ids(SpoolArea.Dead), Does.Contain(dead), "still dead after every refusal");
        using (var apiNull = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/dead/{dead}/retry", UriKind.Relative)))
        {
            apiNull.Headers.Add("Origin", "null");
            Assert.That((await http.SendAsync(apiNull)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the API refuses Origin null too");
        }

        pagerDuty.Respond = _ => FakeResponse.Accepted;
        gateway.ResetFinished(dead);
        // Chromium's own form post from the page: Origin null (the page's Referrer-Policy is no-referrer), Sec-Fetch-Site same-origin.
        using var accepted = await PostRetryAsync(http, dead, cookie, token, "null", "same-origin");
        Assert.That((accepted.StatusCode, accepted.Headers.Location?.ToString()), Is.EqualTo((HttpStatusCode.Redirect, "/status?notice=requeued#dead")));
        Assert.That(await gateway.WaitFinishedAsync(dead), Is.EqualTo(SpoolArea.Done));
    }

    [Test]
    public async Task RetryForm_ServedByOneReplica_IsAcceptedByAnother_OnOnePostgres()
    {
        using var database = new PostgresTestBackend();
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        string[] settings = ["--Spool:ScanInterval=00:00:00.200", "--Spool:Backend=postgres", $"--Spool:ConnectionString={database.ConnectionString}"];
        await using var a = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, settings);
        await using var b = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, settings);
        var dead = await DeadLetterAsync(a, pagerDuty);
        using var httpA = NoRedirects(a.HttpUrl);
        using var httpB = NoRedirects(b.HttpUrl);
        var (cookie, token, _) = await FormAsync(httpA);

        using (var forged = await PostRetryAsync(httpB, dead, cookie, new string('0', token.Length), null, null))
        {
            Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        pagerDuty.Respond = _ => FakeResponse.Accepted;
        using var answer = await PostRetryAsync(httpB, dead, cookie, token, null, null);
        Assert.That((answer.StatusCode, answer.Headers.Location?.ToString()), Is.EqualTo((HttpStatusCode.Redirect, "/status?notice=requeued#dead")), "replica B checks the form replica A served");
    }

    [TestCase("evil.example", 404)]
    [TestCase("rebind.attacker.test:8080", 404)]
    [TestCase("localhost", 200)]
    [TestCase("127.0.0.1", 200)]
    [TestCase("[::1]", 200)]
    public async Task LoopbackListener_RefusesAForeignHostName_DnsRebinding(string host, int expected)
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };
        foreach (var path in new[] { "/status", "/api/v1/decisions", "/api/v1/openapi.json" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.Host = host;
            Assert.That((int)(await http.SendAsync(request)).StatusCode, Is.EqualTo(expected), path);
        }

        using var health = new HttpRequestMessage(HttpMethod.Get, new Uri("/healthz", UriKind.Relative));
        health.Headers.Host = host;
        Assert.That((await http.SendAsync(health)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "/healthz stays as it is");
    }

    [Test]
    public async Task EveryAttackerWrittenField_OfAMailAndOfPagerDutysError_RendersAsInertText()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        using var http = NoRedirects(gateway.HttpUrl);
        pagerDuty.Respond = _ => new FakeResponse(400, """{"status":"invalid event","message":"Event object is invalid","errors":["<img src=x onerror=alert(5)>"]}""");
        var message = Mail.Simple("Your AWS Abuse Report [1] \"><img src=x onerror=alert(1)>");
        message.From.Clear();
        message.From.Add(new MimeKit.MailboxAddress("<script>alert(2)</script>\" onmouseover=\"x", "ec2-abuse@amazon.com"));
        message.Headers.Replace("Message-ID", "<\"><svg onload=alert(3)>@example.com>");
        message.Headers.Add("List-Id", "\"><svg onload=alert(4)> <root.example.com>");
        var id = await Mail.SendAsync(gateway, message);
        Assert.That(await gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Dead));

        foreach (var path in new[] { "/status", "/status/decisions/" + id })
        {
            var body = await http.GetStringAsync(new Uri(path, UriKind.Relative));
            Assert.Multiple(() =>
            {
                Assert.That(body, Does.Not.Contain("<img").IgnoreCase.And.Not.Contain("<svg").IgnoreCase.And.Not.Contain("<script").IgnoreCase, path);
                Assert.That(body, Does.Not.Contain("\" onmouseover").And.Not.Contain("onload=alert(3)>"), path + ": no quote breaks out of an attribute");
                Assert.That(body, Does.Contain("&lt;img src=x onerror=alert(1)&gt;"), path + ": the subject is shown, as text");
            });
        }

        var decision = await http.GetStringAsync(new Uri("/status/decisions/" + id, UriKind.Relative));
        Assert.That(decision, Does.Contain("alert(5)"), "PagerDuty's error text is shown (as text)");
        using var api = await http.GetAsync(new Uri("/api/v1/decisions/" + id, UriKind.Relative));
        Assert.That(api.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await api.Content.ReadAsStringAsync(), Does.Not.Contain("<"), "JSON escapes < so no sniffing browser sees markup");
    }

    [Test]
    public async Task HostileIdsAndPageNumbers_AnswerPlainly_AndForgeNoLogLine()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var log = new CollectingLogger<DecisionRecords>();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, services => services.AddSingleton<ILogger<DecisionRecords>>(log), GatewayHarness.DefaultRules);
        using var http = NoRedirects(gateway.HttpUrl);
        var longId = new string('a', 5000);
        foreach (var id in new[] { "..%2F..%2Fspool", "%2E%2E%2Fdone", "x%00y", longId, "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "a%22onmouseover%3D" })
        {
            // 404, or Kestrel's own 400 for a NUL in the path.
            Assert.That((int)(await http.GetAsync(new Uri("/api/v1/decisions/" + id, UriKind.Relative))).StatusCode, Is.AnyOf(404, 400), "api " + id[..Math.Min(id.Length, 40)]);
            using var page = await http.GetAsync(new Uri("/status/decisions/" + id, UriKind.Relative));
            var body = await page.Content.ReadAsStringAsync();
            Assert.That((int)page.StatusCode, Is.AnyOf(404, 400), "page " + id[..Math.Min(id.Length, 40)]);
            Assert.That(body, Does.Not.Contain("<script").And.Not.Contain("\"onmouseover"), "page " + id[..Math.Min(id.Length, 40)]);
            using var retry = await http.PostAsync(new Uri($"/api/v1/dead/{id}/retry", UriKind.Relative), null);
            Assert.That((int)retry.StatusCode, Is.AnyOf(404, 400), "retry " + id[..Math.Min(id.Length, 40)]);
        }

        foreach (var query in new[] { "page=-5", "page=2147483647", "page=0&size=-1", "size=2147483647", "q=" + new string('x', 4000), "outcome=%3Cscript%3E" })
        {
            Assert.That((int)(await http.GetAsync(new Uri("/api/v1/decisions?" + query, UriKind.Relative))).StatusCode, Is.EqualTo(200), "api " + query[..Math.Min(query.Length, 30)]);
            Assert.That((int)(await http.GetAsync(new Uri("/status?" + query, UriKind.Relative))).StatusCode, Is.EqualTo(200), "page " + query[..Math.Min(query.Length, 30)]);
        }

        Assert.That((int)(await http.GetAsync(new Uri("/api/v1/decisions?page=99999999999", UriKind.Relative))).StatusCode, Is.EqualTo(400), "int overflow: a plain 400");
        using (var forged = await http.PostAsync(new Uri("/api/v1/dead/x%0A%7B%22level%22%3A%22forged%22%7D/retry", UriKind.Relative), null))
        {
            Assert.That((int)forged.StatusCode, Is.EqualTo(404));
        }

        Assert.That(log.Entries.Where(e => e.EventId == 1150).Select(e => e.Message), Is.Not.Empty.And.All.Contain("(not a spool id)").And.None.Contain("forged").And.None.Contain("\n"));
    }

    [Test]
    public async Task HealthEventDecision_WithHostileText_IsAHealthEventRow_InertOnThePage_AndEscapedInTheApi()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.ShippedRules(), "--AwsEvents:Enabled=true", "--AwsEvents:ApiKey=k3y-of-the-status-attack-test-0123");
        using var http = NoRedirects(gateway.HttpUrl);
        var body = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "health-events", "eventbridge-risk.json"))
            .Replace("We have detected", Hostile.Replace("\"", "\\\"", StringComparison.Ordinal) + " \u202E We have detected", StringComparison.Ordinal);
        using var push = new HttpRequestMessage(HttpMethod.Post, new Uri("/aws/events", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        push.Headers.Add("X-MailGate-Key", "k3y-of-the-status-attack-test-0123");
        using var stored = await http.SendAsync(push);
        var id = JsonDocument.Parse(await stored.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        Assert.That(await gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));

        using var list = await http.GetAsync(new Uri("/api/v1/decisions", UriKind.Relative));
        var json = await list.Content.ReadAsStringAsync();
        var row = JsonDocument.Parse(json).RootElement.GetProperty("items")[0];
        Assert.That((list.Content.Headers.ContentType?.MediaType, row.GetProperty("id").GetString(), row.GetProperty("source").GetString()), Is.EqualTo(("application/json", id, "Health event")));
        using var detail = await http.GetAsync(new Uri("/api/v1/decisions/" + id, UriKind.Relative));
        var detailJson = await detail.Content.ReadAsStringAsync();
        var explained = JsonDocument.Parse(detailJson).RootElement;
        Assert.That((explained.GetProperty("verdicts_problem").ValueKind, explained.GetProperty("verdicts").GetArrayLength() > 0), Is.EqualTo((JsonValueKind.Null, true)), "verdicts come from the Health event reader");
        Assert.That(json + detailJson, Does.Not.Contain("<").And.Not.Contain("\u202E"), "the API sends no raw markup and no raw override");

        foreach (var path in new[] { "/status", "/status/decisions/" + id })
        {
            var html = await http.GetStringAsync(new Uri(path, UriKind.Relative));
            Assert.That(html, Does.Contain("Health event").And.Not.Contain("<img").And.Not.Contain("<script").And.Not.Contain("\u202E"), path);
        }

        var page = await http.GetStringAsync(new Uri("/status/decisions/" + id, UriKind.Relative));
        Assert.That(page, Does.Contain("health channel").And.Contain("eventbridge"));
    }

    private static HttpClient NoRedirects(Uri baseAddress) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };

    private static async Task<string> DeadLetterAsync(GatewayHarness gateway, FakePagerDuty pagerDuty)
    {
        pagerDuty.Respond = _ => FakeResponse.Invalid;
        var dead = await Mail.SendAsync(gateway, Mail.Simple("Your AWS Abuse Report [33333333] [AWS ID 123456789012]"));
        Assert.That(await gateway.WaitFinishedAsync(dead), Is.EqualTo(SpoolArea.Dead));
        return dead;
    }

    /// <summary>Loads /status as a new browser would: the nonce cookie it sets, the form's token, and the Set-Cookie line.</summary>
    private static async Task<(string Cookie, string Token, string SetCookie)> FormAsync(HttpClient http)
    {
        using var page = await http.GetAsync(new Uri("/status", UriKind.Relative));
        var setCookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(StatusFormToken.CookieName + "=", StringComparison.Ordinal));
        var token = TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.That(token, Is.Not.Empty, "the page has a Retry form");
        return (setCookie.Split(';')[0], token, setCookie);
    }

    private static async Task<HttpResponseMessage> PostRetryAsync(HttpClient http, string id, string? cookie, string? token, string? origin, string? site)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/status/dead/{id}/retry", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(token is null ? [] : [new KeyValuePair<string, string>(StatusFormToken.FieldName, token)]),
        };
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }

        return await http.SendAsync(request);
    }

    [GeneratedRegex("name=\"csrf\" value=\"([0-9a-f]+)\"")]
    private static partial Regex TokenField();
}
