using MailGate.Coverage;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Coverage;

/// <summary>
/// The silence alarm end to end, over the real host on a fake clock, without probes (<c>Coverage:SilenceAlarm</c> set,
/// <c>Coverage:Enabled</c> off): no mail for longer than the alarm pages PagerDuty once on the <c>coverage:</c> route;
/// mail over SMTP (MailKit) resolves it. Each step waits on the alarm's <c>Checked</c> event.
/// </summary>
[TestFixture]
public sealed class CoverageSilenceEndToEndTests
{
    private static readonly string Rules = CoverageEndToEndTests.PageEverything.Replace(
        "  - name: everything\n    route: oncall\n", "  - name: everything\n    action: drop\n", StringComparison.Ordinal);

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Test]
    public async Task NoMailLongerThanTheAlarm_OnePageAtPagerDuty_MailReturns_OneResolve()
    {
        Assert.That(Rules, Does.Contain("action: drop"));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(
            pagerDuty,
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time)),
            Rules,
            "--Coverage:SilenceAlarm=01:00:00",
            "--Spool:LeaseDuration=20.00:00:00");
        var alarm = gateway.Services.GetServices<IHostedService>().OfType<SilenceAlarm>().Single();
        await CheckedAsync(alarm, 1);

        await AdvanceAndCheckAsync(time, alarm, TimeSpan.FromMinutes(30));
        Assert.That(gateway.FinishedCount, Is.Zero, "not yet silent for an hour");
        await AdvanceAndCheckAsync(time, alarm, TimeSpan.FromMinutes(31));
        await pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);
        await AdvanceAndCheckAsync(time, alarm, TimeSpan.FromMinutes(1));
        await gateway.WaitFinishedCountAsync(1, Guard);

        var page = pagerDuty.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(page.RoutingKey, Is.EqualTo(CoverageEndToEndTests.CoverageRoutingKey));
            Assert.That(page.DedupKey, Is.EqualTo("mailgate-coverage-silence"));
            Assert.That(page.Json.GetProperty("event_action").GetString(), Is.EqualTo("trigger"));
            Assert.That(page.Payload.GetProperty("summary").GetString(), Does.StartWith("MailGate has received no mail for 1 h"));
            Assert.That(gateway.FinishedCount, Is.EqualTo(1), "one page, not one per check");
        });

        var mail = await Mail.SendAsync(gateway, Mail.Simple("mail again"));
        await gateway.WaitFinishedAsync(mail, Guard);
        await AdvanceAndCheckAsync(time, alarm, TimeSpan.FromMinutes(1));
        await pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);

        Assert.Multiple(() =>
        {
            Assert.That(pagerDuty.Requests[1].Json.GetProperty("event_action").GetString(), Is.EqualTo("resolve"));
            Assert.That(pagerDuty.Requests[1].DedupKey, Is.EqualTo("mailgate-coverage-silence"));
            Assert.That(pagerDuty.Requests[1].RoutingKey, Is.EqualTo(CoverageEndToEndTests.CoverageRoutingKey));
        });
    }

    private static Task CheckedAsync(SilenceAlarm alarm, int count) =>
        CountedEvents.ReachedAsync(() => alarm.Checks, h => alarm.Checked += h, h => alarm.Checked -= h, count, Guard);

    private static async Task AdvanceAndCheckAsync(FakeTimeProvider time, SilenceAlarm alarm, TimeSpan by)
    {
        var next = alarm.Checks + 1;
        time.Advance(by);
        await CheckedAsync(alarm, next);
    }
}
