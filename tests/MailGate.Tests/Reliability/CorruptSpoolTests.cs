using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Spool;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Reliability;

/// <summary>Damaged spool entries are set aside, at start-up and while running, and never block the others.</summary>
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

    /// <summary>
    /// Issue #11 §4: a symlink in active/ with a valid id, pointing outside the spool, was processed,
    /// paged, got state.json written into the foreign folder and was moved to done/. Now the running
    /// gateway's next scan moves the link itself to corrupt/, unread, and pages nothing for it.
    /// </summary>
    [TestCase("a link to a message folder outside the spool")]
    [TestCase("a folder whose message.eml links outside the spool")]
    public async Task LinkInActive_WhileRunning_IsMovedToCorruptUnread_AndNeverPages(string shape)
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, "--Spool:ScanInterval=00:00:00.100");
        var quarantined = new TaskCompletionSource<DamagedEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Services.GetRequiredService<SpoolStore>().Quarantined += (_, entry) => quarantined.TrySetResult(entry);

        // A real abuse report, as a message folder outside the spool (what an attacker with write access to active/ points at).
        var foreign = Directory.CreateDirectory(Path.Combine(gateway.Folder, "foreign")).FullName;
        await File.WriteAllTextAsync(Path.Combine(foreign, "envelope.json"), """{"mail_from":"a@example.com","recipients":["aws-abuse@mailgate.example.com"],"received_at":"2026-11-28T12:00:00+00:00"}""");
        File.Copy(Mail.FixturePath("abuse-report-via-google-group.eml"), Path.Combine(foreign, "message.eml"));
        const string id = "019a00000000-0000abcd";
        var entry = Path.Combine(gateway.SpoolPath, "active", id);
        if (shape.StartsWith("a link", StringComparison.Ordinal))
        {
            Directory.CreateSymbolicLink(entry, foreign);
        }
        else
        {
            Directory.CreateDirectory(entry);
            File.Copy(Path.Combine(foreign, "envelope.json"), Path.Combine(entry, "envelope.json"));
            File.CreateSymbolicLink(Path.Combine(entry, "message.eml"), Path.Combine(foreign, "message.eml"));
        }

        var moved = await quarantined.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var genuine = await Mail.SendAsync(gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await gateway.WaitFinishedAsync(genuine);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(moved.Name, Is.EqualTo(id));
            Assert.That(moved.Problem, Does.Contain("symbolic link"));
            Assert.That(Path.Exists(entry), Is.False, "gone from active/");
            Assert.That(Path.Exists(Path.Combine(gateway.SpoolPath, "corrupt", id)), Is.True);
            Assert.That(Directory.EnumerateFileSystemEntries(foreign).Select(Path.GetFileName), Is.EquivalentTo(new[] { "envelope.json", "message.eml" }), "no state.json written outside the spool");
            Assert.That(pagerDuty.Requests, Has.Count.EqualTo(1), "only the genuine message paged");
            Assert.That(pagerDuty.Requests[0].Details.GetProperty("spool_id").GetString(), Is.EqualTo(genuine));
        }
    }

    /// <summary>
    /// A folder in active/ whose envelope.json is valid JSON without its fields (<c>{}</c>, recipients
    /// <c>null</c>) was taken up and failed with a NullReferenceException at every scan, forever, a stack
    /// trace each time. Now it is damaged like any other shape: moved to corrupt/ at the next scan.
    /// </summary>
    [TestCase("{}")]
    [TestCase("""{"mail_from":"a@example.com","recipients":null,"received_at":"2026-11-28T12:00:00+00:00"}""")]
    public async Task EnvelopeWithoutItsFields_WhileRunning_IsMovedToCorrupt_TheOthersPage(string envelope)
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, "--Spool:ScanInterval=00:00:00.100");
        var quarantined = new TaskCompletionSource<DamagedEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Services.GetRequiredService<SpoolStore>().Quarantined += (_, entry) => quarantined.TrySetResult(entry);
        const string id = "019a00000000-0000abcd";
        var entry = Directory.CreateDirectory(Path.Combine(gateway.SpoolPath, "active", id)).FullName;
        File.Copy(Mail.FixturePath("abuse-report-via-google-group.eml"), Path.Combine(entry, "message.eml"));
        await File.WriteAllTextAsync(Path.Combine(entry, "envelope.json"), envelope);

        var moved = await quarantined.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var genuine = await Mail.SendAsync(gateway, Mail.Fixture("abuse-report-via-google-group.eml"));

        Assert.That(await gateway.WaitFinishedAsync(genuine), Is.EqualTo(SpoolArea.Done));
        Assert.That(moved.Name, Is.EqualTo(id));
        Assert.That(moved.Problem, Does.StartWith("envelope.json is not valid: "));
        Assert.That(Directory.Exists(Path.Combine(gateway.SpoolPath, "corrupt", id)), Is.True);
        Assert.That(pagerDuty.Requests, Has.Count.EqualTo(1));
    }
}
