using System.Net;
using System.Text.Json;
using MailGate.Tests.Support;

namespace MailGate.Tests.Status;

/// <summary>
/// The status API served by the gateway as its own process (<see cref="GatewayProcess"/>; natively with
/// <c>MAILGATE_TEST_EXECUTABLE</c>): the JSON ASP.NET Core writes itself — the OpenAPI document's schemas and a
/// problem answer — needs type information native AOT has only when a source-generated context provides it.
/// </summary>
[TestFixture]
public sealed class StatusApiProcessTests
{
    private GatewayProcessFolder _run = null!;

    [SetUp]
    public void SetUp() => _run = new GatewayProcessFolder(GatewayHarness.DefaultRules);

    [TearDown]
    public void TearDown() => _run.Dispose();

    [Test]
    public async Task OpenApiDocument_IsServed_WithTheQueryParametersTyped()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty));
        using var http = new HttpClient { BaseAddress = await gateway.WaitForHttpAsync(), Timeout = TimeSpan.FromSeconds(30) };

        using var answer = await http.GetAsync(new Uri("/api/v1/openapi.json", UriKind.Relative));
        var body = await answer.Content.ReadAsStringAsync();

        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK), string.Join('\n', gateway.Lines));
        using var document = JsonDocument.Parse(body);
        var paths = document.RootElement.GetProperty("paths");
        Assert.That(paths.EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[] { "/api/v1/decisions", "/api/v1/decisions/{id}", "/api/v1/dead", "/api/v1/pollers", "/api/v1/dead/{id}/retry" }));
        var page = paths.GetProperty("/api/v1/decisions").GetProperty("get").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "page");
        Assert.That(page.GetProperty("schema").GetRawText(), Does.Contain("integer"));
    }

    [Test]
    public async Task Coverage_StorageUnreadable_Is503ProblemJson()
    {
        // PostgreSQL on a port nobody listens on: the gateway starts (opening is retried in the background), the storage cannot be read.
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty, "--Spool:Backend=postgres", "--Spool:ConnectionString=Host=127.0.0.1;Port=1;Database=none;Timeout=1"));
        using var http = new HttpClient { BaseAddress = await gateway.WaitForHttpAsync(), Timeout = TimeSpan.FromSeconds(30) };

        using var answer = await http.GetAsync(new Uri("/coverage", UriKind.Relative));
        var body = await answer.Content.ReadAsStringAsync();

        Assert.That((answer.StatusCode, answer.Content.Headers.ContentType?.MediaType), Is.EqualTo((HttpStatusCode.ServiceUnavailable, "application/problem+json")), string.Join('\n', gateway.Lines));
        using var problem = JsonDocument.Parse(body);
        Assert.That((problem.RootElement.GetProperty("status").GetInt32(), problem.RootElement.GetProperty("detail").GetString()), Is.EqualTo((503, "coverage: the storage cannot be read")));
    }
}
