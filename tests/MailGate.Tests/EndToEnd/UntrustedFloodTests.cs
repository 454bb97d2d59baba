using System.Net;
using MailGate.Deliver;
using MailGate.Spool;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.EndToEnd;

/// <summary>
/// Issue #11 §1, "the untrusted-page limit is keyed on what the forger writes": forged reports with
/// made-up senders are bounded per client network and in all, and untrusted events never hold up or
/// break the genuine page's delivery.
/// </summary>
[TestFixture]
public sealed class UntrustedFloodTests
{
    private const string Selector = "arc-test";
    private FakePagerDuty _pagerDuty = null!;

    [SetUp]
    public async Task SetUp() => _pagerDuty = await FakePagerDuty.StartAsync();

    [TearDown]
    public async Task TearDown() => await _pagerDuty.DisposeAsync();

    /// <summary>
    /// The rules of the report: any @amazon.com sender with "Abuse Report" pages, trust required
    /// (the shipped rules now also pin Trust &amp; Safety's senders, which the limits do not rely on).
    /// </summary>
    private static string Rules(string limits) => $$"""
        version: 1
        routes:
          security-oncall:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
              severity: critical
        trust:
          trusted:
            authenticated: { arc_sealed_by: google.com, original_dmarc: amazon.com }
          untrusted:
            action: page
            severity: warning
            summary_prefix: "[unverified] "
        {{limits}}
        rules:
          - name: aws-abuse-report
            when:
              sender: { ends_with: "@amazon.com" }
              subject: { contains: "Abuse Report" }
            trust: required
            route: security-oncall
          - name: everything-else
            action: drop
        """;

    private static async Task<List<string>> SendForgedAsync(GatewayHarness gateway, int count, Func<int, IPAddress>? client = null)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await Mail.SendAsync(gateway, AbuseReports.Forged($"abuse-{i}@amazon.com"), client: client?.Invoke(i)));
        }

        return ids;
    }

    private static async Task<string> MetricsAsync(GatewayHarness gateway)
    {
        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };
        return await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
    }

    /// <summary>The input: 30 forged reports from abuse-0@amazon.com … abuse-29@amazon.com.</summary>
    [Test]
    public async Task ThirtyForgedReportsFromMadeUpSenders_OneClient_PageOnlyUpToTheNetworkLimit()
    {
        await using var gateway = await GatewayHarness.StartAsync(_pagerDuty, Rules(Limits(perNetwork: 10, perHour: 100)));

        var ids = await SendForgedAsync(gateway, 30);
        foreach (var id in ids)
        {
            await gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30));
        }

        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(10));
        Assert.That(SpoolStore.ReadState(gateway.Spool.Find(ids[^1])!.Value.Message).Untrusted.Single(), Does.Contain("client network 127.0.0.0/24 is over trust.untrusted.max_per_client_network_per_hour"));
        var metrics = await MetricsAsync(gateway);
        Assert.That(metrics, Does.Match("mailgate_rules_untrusted_total\\{[^}]*outcome=\"rate_limited_client\"[^}]*\\} 20"));
        Assert.That(metrics, Does.Match("mailgate_rules_untrusted_total\\{[^}]*outcome=\"paged\"[^}]*\\} 10"));
    }

    [Test]
    public async Task ForgedReportsFromManyNetworks_PageOnlyUpToTheGlobalLimit()
    {
        await using var gateway = await GatewayHarness.StartAsync(_pagerDuty, Rules(Limits(perNetwork: 100, perHour: 3)));

        var ids = await SendForgedAsync(gateway, 8, i => IPAddress.Parse($"127.0.{i + 2}.1"));
        foreach (var id in ids)
        {
            await gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30));
        }

        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(3));
        Assert.That(SpoolStore.ReadState(gateway.Spool.Find(ids[^1])!.Value.Message).Untrusted.Single(), Does.Contain("over trust.untrusted.max_per_hour"));
        Assert.That(await MetricsAsync(gateway), Does.Match("mailgate_rules_untrusted_total\\{[^}]*outcome=\"rate_limited_global\"[^}]*\\} 5"));
    }

    /// <summary>The second input: PagerDuty throttles while untrusted events pile up in front of a genuine page.</summary>
    [Test]
    public async Task UntrustedEventsThrottledByPagerDuty_GenuinePageGoesOutAtOnce_TrustedCircuitStaysClosed()
    {
        _pagerDuty.RespondTo = json => json.GetProperty("payload").GetProperty("custom_details").GetProperty("trusted").GetBoolean()
            ? FakeResponse.Accepted
            : new FakeResponse(429, """{"status":"throttle event","message":"Requests for this service are arriving too quickly."}""");
        var googleKey = TestKeys.Ed25519();
        await using var gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            Rules(Limits(perNetwork: 100, perHour: 100)),
            "--PagerDuty:BreakerFailures=3",
            "--PagerDuty:BreakDuration=00:10:00",
            "--PagerDuty:RetryMaxDelay=00:00:00.050");
        gateway.Dns.Txt($"{Selector}._domainkey.google.com", 300, TestKeys.TxtRecord(googleKey.Public));
        var delivery = gateway.Services.GetRequiredService<PagerDutyDelivery>();
        var trustedOpened = 0;
        gateway.Services.GetRequiredService<PagerDutyCircuit>().Opened += (_, _) => Interlocked.Increment(ref trustedOpened);
        var untrustedOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        delivery.UntrustedCircuit.Opened += (_, _) => untrustedOpened.TrySetResult();

        var forged = await SendForgedAsync(gateway, 10);
        await untrustedOpened.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var genuine = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(googleKey.Private, Selector));

        Assert.That(await gateway.WaitFinishedAsync(genuine, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
        Assert.That(trustedOpened, Is.Zero, "untrusted 429s never open the trusted circuit");
        Assert.That(forged.Select(id => gateway.Spool.Find(id)!.Value.Area), Has.All.EqualTo(SpoolArea.Active), "the untrusted events still wait in their own lane");
        Assert.That(_pagerDuty.Accepted.Single().Details.GetProperty("spool_id").GetString(), Is.EqualTo(genuine));
        Assert.That(_pagerDuty.Requests.Count(r => r.Status == 429), Is.EqualTo(3), "one untrusted event tried, until its breaker opened; the others wait behind it");
    }

    private static string Limits(int perNetwork, int perHour) =>
        $"    max_per_sender_per_hour: 5\n    max_per_client_network_per_hour: {perNetwork}\n    max_per_hour: {perHour}";
}
