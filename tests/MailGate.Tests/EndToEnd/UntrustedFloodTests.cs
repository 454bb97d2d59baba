using MailGate.Core.Deliver;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
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

    /// <summary>
    /// The shipped rules' other shape: an address that pages on everything, whatever its origin (no
    /// <c>trust: required</c>). Its forged pages are paged, by design, but are unverified all the same.
    /// </summary>
    [Test]
    public async Task ForgedMailToAPageEverythingAddress_ThrottledByPagerDuty_NeverPausesOrDelaysAVerifiedPage()
    {
        // Before: such events travelled in the trusted lane: their 429s opened the trusted circuit breaker
        // (sending paused for BreakDuration, here 10 minutes) and they queued in front of the genuine page.
        _pagerDuty.RespondTo = json => json.GetProperty("payload").GetProperty("custom_details").GetProperty("rule").GetString() == "page-everything"
            ? new FakeResponse(429, """{"status":"throttle event","message":"Requests for this service are arriving too quickly."}""")
            : FakeResponse.Accepted;
        var googleKey = TestKeys.Ed25519();
        var rules = Rules(Limits(perNetwork: 100, perHour: 100)).Replace("""
              - name: everything-else
            """, """
              - name: page-everything
                when:
                  recipient: { equals: "aws-incident1@mailgate.example.com" }
                route: security-oncall
              - name: everything-else
            """, StringComparison.Ordinal);
        await using var gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            rules,
            "--PagerDuty:BreakerFailures=3",
            "--PagerDuty:BreakDuration=00:10:00",
            "--PagerDuty:RetryMaxDelay=00:00:00.050");
        gateway.Dns.Txt($"{Selector}._domainkey.google.com", 300, TestKeys.TxtRecord(googleKey.Public));
        var trustedOpened = 0;
        gateway.Services.GetRequiredService<PagerDutyCircuit>().Opened += (_, _) => Interlocked.Increment(ref trustedOpened);
        var untrustedOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Services.GetRequiredService<PagerDutyDelivery>().UntrustedCircuit.Opened += (_, _) => untrustedOpened.TrySetResult();

        var forged = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            forged.Add(await Mail.SendAsync(gateway, AbuseReports.Forged($"alarm-{i}@evil.example"), to: "aws-incident1@mailgate.example.com"));
        }

        await untrustedOpened.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var genuine = await Mail.SendAsync(gateway, AbuseReports.ThroughGoogle(googleKey.Private, Selector));

        Assert.That(await gateway.WaitFinishedAsync(genuine, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
        Assert.That(trustedOpened, Is.Zero);
        Assert.That(forged.Select(id => gateway.Spool.Find(id)!.Value.Area), Has.All.EqualTo(SpoolArea.Active), "still waiting in their own lane");
        var sent = _pagerDuty.Accepted.Single();
        Assert.That(sent.Details.GetProperty("spool_id").GetString(), Is.EqualTo(genuine));
        var forgedEvent = _pagerDuty.Requests.First(r => r.Status == 429);
        Assert.That((forgedEvent.Payload.GetProperty("severity").GetString(), forgedEvent.Details.GetProperty("trusted").GetBoolean()), Is.EqualTo(("critical", true)),
            "paged as the rule says (it does not ask for trust); only its lane is the unverified one");
    }

    private static string Limits(int perNetwork, int perHour) =>
        $"    max_per_sender_per_hour: 5\n    max_per_client_network_per_hour: {perNetwork}\n    max_per_hour: {perHour}";
}
