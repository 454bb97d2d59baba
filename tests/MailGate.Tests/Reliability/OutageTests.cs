using MailGate.Core.Deliver;
using MailGate.Core.Storage;
using MailGate.Deliver;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Reliability;

/// <summary>
/// PagerDuty fails in each way it can for a while, then recovers: everything is delivered once, in
/// arrival order per route, without hammering, and the circuit breaker opens.
/// </summary>
[TestFixture]
public sealed class OutageTests
{
    private const int PerRoute = 5;

    private static readonly string TwoRoutes = $$"""
        version: 1
        routes:
          alpha:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
          beta:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
        rules:
          - name: to-alpha
            when: { subject: { starts_with: "alpha" } }
            route: alpha
          - name: to-beta
            when: { subject: { starts_with: "beta" } }
            route: beta
        """;

    public static IEnumerable<TestCaseData> Failures()
    {
        yield return new TestCaseData(FakeResponse.ServerError).SetName("Outage_500_DeliversAllInOrder");
        yield return new TestCaseData(new FakeResponse(502, "Bad Gateway")).SetName("Outage_502_DeliversAllInOrder");
        yield return new TestCaseData(FakeResponse.Unavailable).SetName("Outage_503_DeliversAllInOrder");
        yield return new TestCaseData(new FakeResponse(429, "{}")).SetName("Outage_429WithoutRetryAfter_DeliversAllInOrder");
        yield return new TestCaseData(new FakeResponse(429, "{}", RetryAfter: TimeSpan.FromSeconds(1))).SetName("Outage_429WithRetryAfter_DeliversAllInOrder");
        yield return new TestCaseData(FakeResponse.Hang(TimeSpan.FromSeconds(3))).SetName("Outage_HangPastTimeout_DeliversAllInOrder");
        yield return new TestCaseData(FakeResponse.Reset).SetName("Outage_ConnectionReset_DeliversAllInOrder");
    }

    [TestCaseSource(nameof(Failures))]
    public async Task Outage(FakeResponse failure)
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var down = true;
        pagerDuty.Respond = _ => Volatile.Read(ref down) ? failure : FakeResponse.Accepted;
        await using var gateway = await GatewayHarness.StartAsync(
            pagerDuty,
            TwoRoutes,
            "--PagerDuty:RequestTimeout=00:00:00.300",
            "--PagerDuty:RetryBaseDelay=00:00:00.050",
            "--PagerDuty:RetryMaxDelay=00:00:00.400",
            "--PagerDuty:BreakerFailures=3",
            "--PagerDuty:BreakDuration=00:00:00.500");
        var circuit = gateway.Services.GetRequiredService<PagerDutyCircuit>();
        var opened = 0;
        circuit.Opened += (_, _) => Interlocked.Increment(ref opened);

        var ids = new List<string>();
        for (var i = 0; i < PerRoute; i++)
        {
            ids.Add(await Mail.SendAsync(gateway, Mail.Simple($"alpha {i}"), to: "x@mailgate.example.com"));
            ids.Add(await Mail.SendAsync(gateway, Mail.Simple($"beta {i}"), to: "x@mailgate.example.com"));
        }

        await pagerDuty.WaitForAsync(r => r.Count >= 8, TimeSpan.FromSeconds(20));
        var duringOutage = pagerDuty.Requests;
        Volatile.Write(ref down, false);
        foreach (var id in ids)
        {
            Assert.That(await gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
        }

        var accepted = pagerDuty.Accepted;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted, Has.Count.EqualTo(2 * PerRoute), "each message delivered once");
            Assert.That(accepted.Select(r => r.DedupKey).Distinct().Count(), Is.EqualTo(2 * PerRoute));
            Assert.That(Subjects(accepted, "alpha"), Is.EqualTo(Enumerable.Range(0, PerRoute).Select(i => $"alpha {i}")), "arrival order on route alpha");
            Assert.That(Subjects(accepted, "beta"), Is.EqualTo(Enumerable.Range(0, PerRoute).Select(i => $"beta {i}")), "arrival order on route beta");
            Assert.That(opened, Is.GreaterThanOrEqualTo(1), "the circuit breaker opened");
            Assert.That(duringOutage.Select(r => r.DedupKey).Distinct().Count(), Is.LessThanOrEqualTo(2),
                "during the outage only the head of each route's lane is tried; the messages behind it wait");
        }

        TestContext.Out.WriteLine($"{failure}: {duringOutage.Count} failed request(s) for {duringOutage.Select(r => r.DedupKey).Distinct().Count()} message(s) during the outage, {pagerDuty.Requests.Count} in all, circuit opened {opened} time(s)");
    }

    private static IEnumerable<string> Subjects(IEnumerable<ReceivedEvent> events, string prefix) =>
        events.Select(e => e.Details.GetProperty("subject").GetString()!).Where(s => s.StartsWith(prefix, StringComparison.Ordinal));
}
