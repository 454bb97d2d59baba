using MailGate.Core.Storage;
using MailGate.Tests.Support;

namespace MailGate.Tests.Reliability;

/// <summary>A nearly full spool disk refuses new mail with 452 while accepted mail is still delivered.</summary>
[TestFixture]
public sealed class BackPressureTests
{
    [Test]
    public async Task DiskBelowFloor_NewMailGets452_AcceptedMailIsStillDelivered()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        pagerDuty.Respond = _ => FakeResponse.Unavailable;
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        var pending = await Mail.SendAsync(gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(10));
        await gateway.StopAsync();

        pagerDuty.Respond = _ => FakeResponse.Accepted;
        await gateway.RestartAsync(pagerDuty, $"--Spool:MinFreeBytes={long.MaxValue / 2}");
        var (client, _) = await RawSmtpClient.ConnectAsync(gateway.SmtpEndpoint);
        await using (client)
        {
            await client.CommandAsync("EHLO test.example");
            Assert.That(await client.CommandAsync("MAIL FROM:<a@example.com>"), Does.StartWith("452 4.3.1"));
        }

        Assert.That(await gateway.WaitFinishedAsync(pending), Is.EqualTo(SpoolArea.Done));
        Assert.That(pagerDuty.Accepted, Has.Count.EqualTo(1));
    }
}
