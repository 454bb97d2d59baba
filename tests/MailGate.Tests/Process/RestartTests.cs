using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Spool;
using MailGate.Tests.Support;

namespace MailGate.Tests.Process;

/// <summary>Mail accepted while PagerDuty is down is delivered after a restart, with the same dedup key.</summary>
[TestFixture]
public sealed class RestartTests
{
    [Test]
    public async Task AcceptedWhilePagerDutyIsDown_DeliveredAfterRestart()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        pagerDuty.Respond = _ => FakeResponse.Unavailable;
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);

        var id = await Mail.SendAsync(gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await pagerDuty.WaitForAsync(r => r.Count >= 3, TimeSpan.FromSeconds(10));
        await gateway.StopAsync();

        var waiting = gateway.Spool.Find(id)!.Value;
        Assert.That(waiting.Area, Is.EqualTo(SpoolArea.Active));
        var before = SpoolStore.ReadState(waiting.Message);
        Assert.That(before.Deliveries[0].Attempts, Is.GreaterThanOrEqualTo(2), "failed attempts are recorded");
        Assert.That(before.Deliveries[0].LastError, Does.Contain("503"));

        pagerDuty.Respond = _ => FakeResponse.Accepted;
        await gateway.RestartAsync(pagerDuty);

        Assert.That(await gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(pagerDuty.Accepted, Has.Count.EqualTo(1));
            Assert.That(pagerDuty.Requests.Select(r => r.DedupKey).Distinct().Count(), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task DeliveredMessage_IsNotSentAgainAfterRestart()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        var id = await Mail.SendAsync(gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await gateway.WaitFinishedAsync(id);

        await gateway.RestartAsync(pagerDuty);
        var second = await Mail.SendAsync(gateway, Mail.Fixture("billing-statement-via-google-group.eml"));
        await gateway.WaitFinishedAsync(second);

        Assert.That(pagerDuty.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task LeftoverPartialWrite_IsDiscardedAtStart()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        await gateway.StopAsync();
        var partial = Path.Combine(gateway.SpoolPath, "incoming", "019a00000000-deadbeef");
        Directory.CreateDirectory(partial);
        await File.WriteAllTextAsync(Path.Combine(partial, "message.eml"), "Subject: half");

        await gateway.RestartAsync(pagerDuty);

        Assert.That(Directory.Exists(partial), Is.False);
    }
}
