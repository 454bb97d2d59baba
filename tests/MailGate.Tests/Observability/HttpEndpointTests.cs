using System.Text.Json;
using MailGate.Tests.Support;

namespace MailGate.Tests.Observability;

/// <summary>/readyz and /metrics over real HTTP on the running gateway.</summary>
[TestFixture]
public sealed class HttpEndpointTests : GatewayTestBase
{
    private HttpClient _http = null!;

    [SetUp]
    public void SetUp()
    {
        _http = new HttpClient { BaseAddress = Gateway.HttpUrl };
    }

    [TearDown]
    public void TearDown()
    {
        _http.Dispose();
    }

    [Test]
    public async Task Readyz_RunningGateway_Is200WithDetails()
    {
        using var response = await _http.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(root.GetProperty("status").GetString(), Is.EqualTo("ready"));
            Assert.That(root.GetProperty("smtp_endpoint").GetString(), Is.EqualTo(Gateway.SmtpEndpoint.ToString()));
            Assert.That(root.GetProperty("spool_writable").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("rules_version").GetString(), Has.Length.EqualTo(12));
            Assert.That(root.GetProperty("rules_reload_failed").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("problems").GetArrayLength(), Is.Zero);
        }
    }

    [Test]
    public async Task Readyz_SpoolNotWritable_Is503WithTheReason()
    {
        var incoming = Path.Combine(Gateway.SpoolPath, "incoming");
        Directory.Delete(incoming, recursive: true);
        await File.WriteAllTextAsync(incoming, "not a folder");

        using var response = await _http.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That((int)response.StatusCode, Is.EqualTo(503));
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("not ready"));
        Assert.That(json.RootElement.GetProperty("problems")[0].GetString(), Does.StartWith("spool: cannot write"));
    }

    [Test]
    public async Task Metrics_AfterAPageAndARefusedRecipient_CountBoth()
    {
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(id);
        Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() =>
            Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"), to: "nobody@elsewhere.example"));

        var metrics = await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.That(metrics, Does.Contain("mailgate_smtp_messages_received_total{otel_scope_name=\"MailGate\"} 1"));
        Assert.That(metrics, Does.Match("mailgate_smtp_messages_rejected_total\\{[^}]*code_class=\"5xx\",reason=\"recipient\"[^}]*\\} 1"));
        Assert.That(metrics, Does.Match("mailgate_rules_matches_total\\{[^}]*rule=\"aws-abuse-report\"[^}]*\\} 1"));
        Assert.That(metrics, Does.Match("mailgate_pagerduty_deliveries_total\\{[^}]*outcome=\"delivered\"[^}]*\\} 1"));
        Assert.That(metrics, Does.Match("mailgate_pagerduty_attempts_total\\{[^}]*status=\"202\"[^}]*\\} 1"));
        Assert.That(metrics, Does.Contain("mailgate_delivery_latency_seconds_count{otel_scope_name=\"MailGate\"} 1"));
        Assert.That(metrics, Does.Match("mailgate_spool_messages\\{[^}]*area=\"done\"[^}]*\\} 1"));
        Assert.That(metrics, Does.Match("mailgate_rules_info\\{[^}]*version=\"[0-9a-f]{12}\"[^}]*\\} 1"));
        Assert.That(metrics, Does.Contain("mailgate_smtp_sessions_active"));
        Assert.That(metrics, Does.Contain("mailgate_spool_oldest_undelivered_age_seconds"));
    }

    /// <summary>corrupt/ holds what was set aside whatever it is (links, files, FIFOs): counted; before, only folders were.</summary>
    [Test]
    public async Task Metrics_SpoolMessages_CountsEveryEntrySetAside_NotTheDotNames()
    {
        var corrupt = Path.Combine(Gateway.SpoolPath, "corrupt");
        Directory.CreateDirectory(Path.Combine(corrupt, "019a00000000-00000001"));
        await File.WriteAllTextAsync(Path.Combine(corrupt, "019a00000000-00000002"), "a stray file");
        File.CreateSymbolicLink(Path.Combine(corrupt, "019a00000000-00000003"), "/nonexistent");
        await File.WriteAllTextAsync(Path.Combine(corrupt, ".nfs0001"), "");

        var metrics = await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.That(metrics, Does.Match("mailgate_spool_messages\\{[^}]*area=\"corrupt\"[^}]*\\} 3\n"));
    }
}
