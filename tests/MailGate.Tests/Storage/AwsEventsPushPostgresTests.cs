using System.Net;
using System.Text;
using MailGate.Tests.Support;

namespace MailGate.Tests.Storage;

/// <summary><c>POST /aws/events</c> with <c>Spool:Backend=postgres</c>: the event and its duplicate marker are kept in PostgreSQL.</summary>
[TestFixture]
public sealed class AwsEventsPushPostgresTests : PostgresDatabaseTest
{
    private const string Key = "k3y-0f-the-api-destination-connection";

    [Test]
    public async Task EventBridge_SameEventTwice_StoredOnceInPostgres_OneIncident()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(
            pagerDuty,
            GatewayHarness.ShippedRules(),
            "--Spool:Backend=postgres",
            $"--Spool:ConnectionString={Backend.ConnectionString}",
            "--AwsEvents:Enabled=true",
            $"--AwsEvents:ApiKey={Key}");
        try
        {
            using var http = new HttpClient { BaseAddress = gateway.HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
            var body = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "health-events", "eventbridge-risk.json"));
            var answers = new List<(HttpStatusCode, string)>();
            for (var i = 0; i < 2; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/aws/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-MailGate-Key", Key);
                using var response = await http.SendAsync(request);
                answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
            }

            Assert.That(answers[0].Item1, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(answers[0].Item2, Does.StartWith("{\"status\":\"stored\""));
            Assert.That(answers[1], Is.EqualTo((HttpStatusCode.OK, """{"status":"duplicate"}""")));
            await pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
            Assert.That(pagerDuty.Requests, Has.Count.EqualTo(1));
        }
        finally
        {
            gateway.DeleteFolder();
        }
    }
}
