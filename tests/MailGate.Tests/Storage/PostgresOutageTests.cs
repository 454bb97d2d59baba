using MailGate.Tests.Support;
using MailKit.Net.Smtp;
using System.Net;
using System.Text.Json;

namespace MailGate.Tests.Storage;

/// <summary>
/// The real gateway on PostgreSQL (MailKit client, fake PagerDuty) while its database goes away and comes back
/// (<see cref="PausablePostgres"/>): 451 4.3.0 and a 503 <c>/readyz</c> naming PostgreSQL during the outage, then
/// everything resumes by itself, every accepted message paged exactly once.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgresOutageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task An_outage_gets_451_and_an_unready_gateway_then_everything_resumes_and_nothing_is_lost()
    {
        using var postgres = new PausablePostgres();
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, Settings(postgres));
        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };

        var before = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            before.Add(await Mail.SendAsync(gateway, Mail.Simple($"Abuse Report before {i}")));
        }

        // Finished (paged and recorded) before the outage: a state write cut by the stop would be kept in memory and
        // written again on the gateway's retry timer, and /readyz would rightly say so until then.
        foreach (var id in before)
        {
            Assert.That(await gateway.WaitFinishedAsync(id, Patience), Is.EqualTo(MailGate.Core.Storage.SpoolArea.Done), id);
        }

        postgres.Pause();
        var refused = Assert.ThrowsAsync<SmtpCommandException>(() => Mail.SendAsync(gateway, Mail.Simple("Abuse Report during the outage")));
        Assert.That((int)refused!.StatusCode, Is.EqualTo(451), refused.Message);
        Assert.That(refused.Message, Does.StartWith("4.3.0"));
        var (status, report) = await ReadyAsync(http);
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), report.ToString());
        Assert.That(report.ToString(), Does.Contain("database: PostgreSQL at 127.0.0.1:").And.Contain("/mailgate is unreachable: ").And.Not.Contain(postgres.Password));
        using (var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative)))
        {
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the process is alive: no liveness restart for the database's outage");
        }

        var database = report.GetProperty("database");
        Assert.That(database.GetProperty("backend").GetString(), Is.EqualTo("postgres"));
        Assert.That(database.GetProperty("reachable").GetBoolean(), Is.False);
        Assert.That(database.GetProperty("schema_version").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(report.GetProperty("spool_free_bytes").ValueKind, Is.EqualTo(JsonValueKind.Null), "no spool disk with PostgreSQL");

        postgres.Resume();
        (status, report) = await ReadyAsync(http);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), report.ToString());
        Assert.That(report.GetProperty("database").GetProperty("schema_version").GetInt32(), Is.EqualTo(MailGate.Storage.Postgres.PostgresStorage.SchemaVersion));
        var after = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            after.Add(await Mail.SendAsync(gateway, Mail.Simple($"Abuse Report after {i}")));
        }

        await pagerDuty.WaitForAsync(events => events.Count(e => e.Status == 202) >= 6, Patience);
        foreach (var id in after)
        {
            Assert.That(await gateway.WaitFinishedAsync(id, Patience), Is.EqualTo(MailGate.Core.Storage.SpoolArea.Done), id);
        }

        var summaries = pagerDuty.Accepted.Select(e => e.Payload.GetProperty("summary").GetString()!).ToList();
        Assert.That(summaries, Has.Count.EqualTo(6));
        Assert.That(summaries.Distinct().Count(), Is.EqualTo(6), string.Join("\n", summaries));
        Assert.That(summaries.Count(s => s.Contains("during", StringComparison.Ordinal)), Is.Zero);
    }

    internal static string[] Settings(PausablePostgres postgres) =>
        ["--Spool:Backend=postgres", $"--Spool:ConnectionString={postgres.ConnectionString}"];

    internal static async Task<(HttpStatusCode Status, JsonElement Report)> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, report);
    }
}
