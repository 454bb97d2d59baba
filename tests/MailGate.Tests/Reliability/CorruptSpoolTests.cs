using MailGate.Spool;
using MailGate.Tests.Support;

namespace MailGate.Tests.Reliability;

/// <summary>Damaged spool entries are set aside at start-up and never block the others.</summary>
[TestFixture]
public sealed class CorruptSpoolTests
{
    [Test]
    public async Task DamagedEntries_AreMovedAside_GoodOnesAreDelivered()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        pagerDuty.Respond = _ => FakeResponse.Unavailable;
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        var good = await Mail.SendAsync(gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        var damaged = await Mail.SendAsync(gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(10));
        await gateway.StopAsync();

        var active = Path.Combine(gateway.SpoolPath, "active");
        await File.WriteAllTextAsync(Path.Combine(active, damaged, "state.json"), "{ \"deliveries\": [ trunc");
        var halfWritten = Directory.CreateDirectory(Path.Combine(active, "019a00000000-0000abcd")).FullName;
        await File.WriteAllTextAsync(Path.Combine(halfWritten, "message.eml"), "Subject: no envelope\r\n");
        Directory.CreateDirectory(Path.Combine(active, "not-a-spool-id"));

        pagerDuty.Respond = _ => FakeResponse.Accepted;
        await gateway.RestartAsync(pagerDuty);

        Assert.That(await gateway.WaitFinishedAsync(good), Is.EqualTo(SpoolArea.Done));
        var corrupt = Directory.EnumerateDirectories(Path.Combine(gateway.SpoolPath, "corrupt")).Select(Path.GetFileName).ToArray();
        Assert.That(corrupt, Is.SupersetOf(new[] { "019a00000000-0000abcd", "not-a-spool-id" }));
        Assert.That(gateway.Spool.Find(damaged)?.Area, Is.EqualTo(SpoolArea.Corrupt), "an unreadable state is set aside, never guessed");
        Assert.That(gateway.Spool.List(SpoolArea.Active), Is.Empty);
    }
}
