using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MailGate.Core.Storage;
using MailGate.Status;
using MailGate.Tests.Storage;
using MailGate.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGate.Tests.Status;

/// <summary>Issue #17: the status API and page over real HTTP, on both storage backends; access off loopback; no secret shown.</summary>
[TestFixture]
public sealed class StatusApiTests
{
    private const string Token = "status-token-0123456789abcdef";

    [TestCase("file")]
    [TestCase("postgres")]
    public async Task Api_ListsFiltersPagesExplainsAndRetries_OnBothBackends(string backend)
    {
        using var database = backend == "postgres" ? new PostgresTestBackend() : null;
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        const string pushKey = "push-key-must-never-show-0f3c9a";
        string[] settings = database is null
            ? ["--Spool:ScanInterval=00:00:00.200", "--AwsEvents:Enabled=true", $"--AwsEvents:ApiKey={pushKey}"]
            : ["--Spool:ScanInterval=00:00:00.200", "--AwsEvents:Enabled=true", $"--AwsEvents:ApiKey={pushKey}", "--Spool:Backend=postgres", $"--Spool:ConnectionString={database.ConnectionString}"];
        var log = new CollectingLogger<DecisionRecords>();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, services => services.AddSingleton<ILogger<DecisionRecords>>(log), GatewayHarness.DefaultRules, settings);
        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };

        var paged = await Mail.SendAsync(gateway, Mail.Simple("Your AWS Abuse Report [12345678] [AWS ID 123456789012]"));
        var dropped = await Mail.SendAsync(gateway, Mail.Simple("lunch?"));
        Assert.That(await gateway.WaitFinishedAsync(paged), Is.EqualTo(SpoolArea.Done));
        Assert.That(await gateway.WaitFinishedAsync(dropped), Is.EqualTo(SpoolArea.Done));
        pagerDuty.Respond = _ => FakeResponse.Invalid;
        var dead = await Mail.SendAsync(gateway, Mail.Simple("Your AWS Abuse Report [33333333] [AWS ID 123456789012]"));
        Assert.That(await gateway.WaitFinishedAsync(dead), Is.EqualTo(SpoolArea.Dead));

        var all = await Json(http, "/api/v1/decisions");
        Assert.That(Ids(all), Is.EqualTo(new[] { dead, dropped, paged }), "newest first");
        Assert.That(Ids(await Json(http, "/api/v1/decisions?outcome=dropped")), Is.EqualTo(new[] { dropped }));
        Assert.That(Ids(await Json(http, "/api/v1/decisions?q=LUNCH")), Is.EqualTo(new[] { dropped }));
        var second = await Json(http, "/api/v1/decisions?page=2&size=2");
        Assert.That((Ids(second), second.GetProperty("total").GetInt32(), second.GetProperty("pages").GetInt32()), Is.EqualTo((new[] { paged }, 3, 2)));

        var detail = await Json(http, "/api/v1/decisions/" + paged);
        Assert.That(detail.GetProperty("verdicts").EnumerateArray().Select(v => (v.GetProperty("rule").GetString(), v.GetProperty("matched").GetBoolean())),
            Is.EqualTo(new[] { ("aws-abuse-report", true), ("everything-else", false) }));
        Assert.That(detail.GetProperty("deliveries")[0].GetProperty("status").GetString(), Is.EqualTo("delivered"));
        Assert.That((await http.GetAsync(new Uri("/api/v1/decisions/nope", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var deadLetters = await Json(http, "/api/v1/dead");
        Assert.That(deadLetters[0].GetProperty("reason").GetString(), Does.Contain("Event object is invalid"));

        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/dead/{dead}/retry", UriKind.Relative)))
        {
            crossSite.Headers.Add("Origin", "http://evil.example");
            Assert.That((await http.SendAsync(crossSite)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }

        pagerDuty.Respond = _ => FakeResponse.Accepted;
        gateway.ResetFinished(dead);
        var retry = await http.PostAsync(new Uri($"/api/v1/dead/{dead}/retry", UriKind.Relative), null);
        Assert.That((retry.StatusCode, await retry.Content.ReadAsStringAsync()), Is.EqualTo((HttpStatusCode.OK, $$"""{"id":"{{dead}}","result":"requeued","error":null}""")));
        Assert.That(await gateway.WaitFinishedAsync(dead), Is.EqualTo(SpoolArea.Done));
        Assert.That(log.Entries.Where(e => e.EventId == 1150).Select(e => e.Message).Single(), Does.Contain(dead).And.Contain("from 127.0.0.1:").And.Contain("Requeued"), "the retry is logged with where it came from");
        Assert.That((await http.PostAsync(new Uri($"/api/v1/dead/{dead}/retry", UriKind.Relative), null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(Ids(await Json(http, "/api/v1/decisions?outcome=delivered")), Is.EqualTo(new[] { dead, paged }));

        // Nothing the status surface shows carries the routing key, the push API key, or the database's password.
        foreach (var path in new[] { "/status", "/status/decisions/" + paged, "/api/v1/decisions", "/api/v1/decisions/" + paged, "/api/v1/dead", "/api/v1/pollers", "/api/v1/openapi.json" })
        {
            var body = await http.GetStringAsync(new Uri(path, UriKind.Relative));
            Assert.That(body, Does.Not.Contain(GatewayHarness.RoutingKey).And.Not.Contain(pushKey), path);
            if (database is not null)
            {
                Assert.That(body, Does.Not.Contain(new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Password), path);
            }
        }
    }

    [Test]
    public async Task OpenApiDocument_ListsEveryApiEndpoint()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };
        var document = await Json(http, "/api/v1/openapi.json");
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .Where(e => e.Contains(" /api/v1/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var mapped = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true && !e.RoutePattern.RawText.EndsWith(".json", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>().SelectMany(m => m.HttpMethods).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal);
        Assert.That(documented, Is.EqualTo(mapped).And.EquivalentTo(new[]
        {
            "GET /api/v1/decisions", "GET /api/v1/decisions/{id}", "GET /api/v1/dead", "GET /api/v1/pollers", "POST /api/v1/dead/{id}/retry",
        }));
    }

    [Test]
    public async Task StatusSurface_OffLoopback_IsAbsentWithoutAToken_AndAsksForItWithOne_HealthUnchanged()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, "--Http:Url=http://0.0.0.0:0");
        using (var http = new HttpClient { BaseAddress = Loopback(gateway) })
        {
            Assert.That(await Statuses(http, "/status", "/status/login", "/api/v1/decisions", "/api/v1/openapi.json", "/healthz", "/readyz", "/metrics"),
                Is.EqualTo(new[] { 404, 404, 404, 404, 200, 200, 200 }));
        }

        var tokenFile = Path.Combine(gateway.Folder, "status-token");
        await File.WriteAllTextAsync(tokenFile, Token + "\n");
        await gateway.RestartAsync(pagerDuty, "--Http:Url=http://0.0.0.0:0", $"--Http:StatusTokenFile={tokenFile}");
        using (var http = new HttpClient { BaseAddress = Loopback(gateway) })
        {
            Assert.That(await Statuses(http, "/status", "/api/v1/decisions", "/healthz"), Is.EqualTo(new[] { 401, 401, 200 }));
            var page = await http.GetAsync(new Uri("/status", UriKind.Relative));
            Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("name=\"token\"").And.Not.Contain(Token));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong" + Token);
            Assert.That(await Statuses(http, "/status", "/api/v1/decisions"), Is.EqualTo(new[] { 401, 401 }));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            Assert.That(await Statuses(http, "/status", "/api/v1/decisions"), Is.EqualTo(new[] { 200, 200 }));
            Assert.That(await http.GetStringAsync(new Uri("/status", UriKind.Relative)), Does.Not.Contain(Token));
        }
    }

    [Test]
    public async Task GuessingTheToken_IsRefusedWith429AfterTenFailuresAMinute_TheLoginPageAndHealthStillAnswer()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, "--Http:Url=http://0.0.0.0:0", $"--Http:StatusToken={Token}");
        using var http = new HttpClient { BaseAddress = Loopback(gateway) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "x");
        var guesses = new List<int>();
        for (var i = 0; i < StatusAccess.FailuresPerMinute; i++)
        {
            guesses.AddRange(await Statuses(http, "/api/v1/decisions"));
        }

        Assert.That(guesses, Is.All.EqualTo(401), "each wrong token is checked and refused");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var throttled = await http.GetAsync(new Uri("/api/v1/decisions", UriKind.Relative));
        Assert.That((int)throttled.StatusCode, Is.EqualTo(429), "the 11th try is not checked at all, even with the right token");
        Assert.That(throttled.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(60)));
        using var login = await http.PostAsync(new Uri("/status/login", UriKind.Relative), new FormUrlEncodedContent([new("token", Token)]));
        Assert.That((int)login.StatusCode, Is.EqualTo(429));
        http.DefaultRequestHeaders.Authorization = null;
        Assert.That(await Statuses(http, "/status", "/healthz"), Is.EqualTo(new[] { 401, 200 }), "the login page itself and health are not locked");
    }

    [Test]
    public async Task StatusAnswers_CarryTheSecurityHeaders()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };
        foreach (var path in new[] { "/status", "/api/v1/decisions" })
        {
            var answer = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Multiple(() =>
            {
                Assert.That(answer.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'none'").And.Contain("frame-ancestors 'none'").And.Not.Contain("script-src"));
                Assert.That(answer.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
            });
        }
    }

    private static Uri Loopback(GatewayHarness gateway) => new UriBuilder(gateway.HttpUrl) { Host = "127.0.0.1" }.Uri;

    private static async Task<int[]> Statuses(HttpClient http, params string[] paths)
    {
        var statuses = new List<int>();
        foreach (var path in paths)
        {
            statuses.Add((int)(await http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        }

        return [.. statuses];
    }

    private static async Task<JsonElement> Json(HttpClient http, string path) =>
        JsonDocument.Parse(await http.GetStringAsync(new Uri(path, UriKind.Relative))).RootElement.Clone();

    private static string[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
}
