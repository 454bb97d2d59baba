using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Cli;
using MailGate.Spool;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Reliability;

/// <summary>
/// Issue #11 §2, "a removed route still pages": with PagerDuty down and three messages waiting for a
/// route, the route is edited out of the rules. Every waiting event gets the same outcome: each attempt
/// looks its route up again, so all three are dead-lettered as RouteMissing (and sent by
/// <c>mailgate spool retry</c> once the route is back); a changed routing key is used from the next attempt.
/// </summary>
[TestFixture]
public sealed class RouteChangeTests
{
    private const string KeyA = "RAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private const string KeyB = "RBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

    private FakePagerDuty _pagerDuty = null!;
    private GatewayHarness _gateway = null!;

    private static string Rules(string? alphaKey) => $$"""
        version: 1
        routes:
          {{(alphaKey is null ? "" : $"alpha:\n    pagerduty:\n      routing_key: {alphaKey}\n  ")}}beta:
            pagerduty:
              routing_key: {{KeyB}}
        rules:
          {{(alphaKey is null ? "" : "- name: to-alpha\n    when: { subject: { starts_with: alpha } }\n    route: alpha\n  ")}}- name: to-beta
            route: beta
        """;

    [SetUp]
    public async Task SetUp()
    {
        _pagerDuty = await FakePagerDuty.StartAsync();
        _pagerDuty.RespondTo = json => json.GetProperty("routing_key").GetString() == KeyA ? FakeResponse.Unavailable : FakeResponse.Accepted;
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            Rules(KeyA),
            "--Rules:ReloadInterval=00:00:00.100",
            "--Spool:ScanInterval=00:00:00.200",
            "--PagerDuty:BreakerFailures=1000");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _pagerDuty.DisposeAsync();
    }

    private async Task<string[]> ThreeWaitingAsync()
    {
        var ids = new string[3];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = await Mail.SendAsync(_gateway, Mail.Simple($"alpha {i}"), to: "x@mailgate.example.com");
        }

        await _pagerDuty.WaitForAsync(r => r.Count >= 2, TimeSpan.FromSeconds(20)); // the head is retrying
        return ids;
    }

    private async Task EditRulesAsync(string? alphaKey) =>
        Assert.That(await _gateway.EditRulesAsync(Rules(alphaKey)), Is.True, "the edit took effect");

    [Test]
    public async Task RouteRemovedWhileEventsWait_EveryWaitingEventIsDeadLetteredAsRouteMissing_RetryDeliversThemOnceItIsBack()
    {
        var ids = await ThreeWaitingAsync();

        await EditRulesAsync(alphaKey: null);

        foreach (var id in ids)
        {
            Assert.That(await _gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(20)), Is.EqualTo(SpoolArea.Dead));
            var delivery = SpoolStore.ReadState(_gateway.Spool.Find(id)!.Value.Message).Deliveries.Single();
            Assert.That(delivery.Status, Is.EqualTo(DeliveryStatus.RouteMissing), id);
            Assert.That(delivery.LastError, Does.Contain("route 'alpha' is no longer in the rules"));
        }

        Assert.That(_pagerDuty.Accepted, Is.Empty, "nothing was paged through the removed route");
        Assert.That(_pagerDuty.Requests.Select(r => r.DedupKey).Distinct().Count(), Is.EqualTo(1), "only the head had been tried");

        await EditRulesAsync(alphaKey: KeyB);
        foreach (var id in ids)
        {
            _gateway.ResetFinished(id);
        }

        using var output = new StringWriter();
        Assert.That(await MailGateCommandLine.RunAsync(["spool", "retry", "--all-dead", "--spool", _gateway.SpoolPath], output, output), Is.Zero, output.ToString());
        foreach (var id in ids)
        {
            Assert.That(await _gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(20)), Is.EqualTo(SpoolArea.Done));
        }

        Assert.That(_pagerDuty.Accepted.Select(r => r.Details.GetProperty("subject").GetString()), Is.EqualTo(new[] { "alpha 0", "alpha 1", "alpha 2" }));
    }

    [Test]
    public async Task RoutingKeyChangedWhileEventsWait_TheNextAttemptUsesTheNewKey()
    {
        var ids = await ThreeWaitingAsync();

        await EditRulesAsync(alphaKey: KeyB);

        foreach (var id in ids)
        {
            Assert.That(await _gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(20)), Is.EqualTo(SpoolArea.Done));
        }

        Assert.That(_pagerDuty.Accepted.Select(r => r.RoutingKey), Is.EqualTo(new[] { KeyB, KeyB, KeyB }));
    }
}
