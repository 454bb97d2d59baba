using System.Text.Json;
using MailGate.Http;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MailGate.Tests.Observability;

/// <summary>
/// Issue #11 §2 "Ready while refusing everything": <c>/readyz</c> says ready only when a sender would get
/// 250, not a 4xx. Each reason mail is refused makes it 503 with the reason.
/// </summary>
[TestFixture]
public sealed class ReadinessTests
{
    private static async Task<(int Status, JsonElement Report)> ReadyzAsync(GatewayHarness gateway)
    {
        using var http = new HttpClient { BaseAddress = gateway.HttpUrl };
        using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return ((int)response.StatusCode, json.RootElement.Clone());
    }

    /// <summary>The issue's case: every MAIL gets 452, and /readyz said ready.</summary>
    [Test]
    public async Task SpoolBelowMinFreeBytes_MailGets452_AndReadyzIs503SayingWhy()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, $"--Spool:MinFreeBytes={long.MaxValue / 2}");
        var (status, report) = await ReadyzAsync(gateway);
        var (client, _) = await RawSmtpClient.ConnectAsync(gateway.SmtpEndpoint);
        await using (client)
        {
            await client.CommandAsync("EHLO test.example");
            Assert.That(await client.CommandAsync("MAIL FROM:<a@example.com>"), Does.StartWith("452 4.3.1"));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status, Is.EqualTo(503));
            Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("not ready"));
            Assert.That(report.GetProperty("spool_free_bytes").GetInt64(), Is.Positive.And.LessThan(long.MaxValue / 2));
            Assert.That(report.GetProperty("problems").EnumerateArray().Select(p => p.GetString()),
                Has.One.Match(@"^spool: \d+ bytes free on the spool's disk, below Spool:MinFreeBytes \(\d+\): every MAIL FROM gets 452"));
        }
    }

    [Test]
    public async Task EnoughFreeSpace_IsReady_WithTheFreeBytes()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, "--Spool:MinFreeBytes=0");

        var (status, report) = await ReadyzAsync(gateway);

        Assert.That(status, Is.EqualTo(200));
        Assert.That(report.GetProperty("spool_free_bytes").GetInt64(), Is.Positive);
    }

    [Test]
    public async Task ActiveAreaGone_CommitsWouldFail_Is503()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        Directory.Delete(Path.Combine(gateway.SpoolPath, "active"), recursive: true);

        var (status, report) = await ReadyzAsync(gateway);

        Assert.That(status, Is.EqualTo(503));
        Assert.That(report.GetProperty("problems")[0].GetString(), Does.StartWith("spool: cannot write").And.Contain("active is missing"));
    }

    /// <summary>
    /// A commit renames its folder from incoming/ into active/; the probe only wrote an empty file in
    /// incoming/, so /readyz said ready while every message got 451. Here active/ is on another file
    /// system (a link to /proc: rename fails with EXDEV, as it does, for a non-root gateway, on an
    /// active/ it may not write).
    /// </summary>
    [Test]
    public async Task ActiveAreaCannotTakeTheRename_CommitsGet451_Is503()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        var active = Path.Combine(gateway.SpoolPath, "active");
        Directory.Delete(active, recursive: true);
        Directory.CreateSymbolicLink(active, "/proc");
        var (client, _) = await RawSmtpClient.ConnectAsync(gateway.SmtpEndpoint);
        await using (client)
        {
            await client.CommandAsync("EHLO test.example");
            await client.CommandAsync("MAIL FROM:<a@example.com>");
            await client.CommandAsync("RCPT TO:<aws-abuse@mailgate.example.com>");
            await client.CommandAsync("DATA");
            Assert.That(await client.CommandAsync("Subject: x\r\n\r\nbody\r\n."), Does.StartWith("451"), "what a sender gets");
        }

        var (status, report) = await ReadyzAsync(gateway);
        File.Delete(active); // the link, before the gateway's next scan looks into /proc

        Assert.That(status, Is.EqualTo(503));
        Assert.That(report.GetProperty("spool_writable").GetBoolean(), Is.False);
        Assert.That(report.GetProperty("problems")[0].GetString(), Does.StartWith("spool: cannot write to "));
    }

    /// <summary>Deleting mailgate.lock made /readyz 503 (a second gateway could start); the folder's lock now still refuses one, so the gateway stays ready.</summary>
    [Test]
    public async Task LockFileDeleted_StaysReady_ASecondGatewayIsStillRefused()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        File.Delete(Path.Combine(gateway.SpoolPath, "mailgate.lock"));

        var (status, _) = await ReadyzAsync(gateway);

        Assert.That(status, Is.EqualTo(200));
        Assert.Throws<MailGate.Core.Spool.SpoolLockedException>(() => _ = new MailGate.Core.Spool.SpoolStore(gateway.SpoolPath, exclusive: true));
    }

    [Test]
    public async Task SpoolFolderReplaced_Is503_ASecondGatewayCouldStart()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        Directory.Move(gateway.SpoolPath, gateway.SpoolPath + ".old");
        Directory.CreateDirectory(gateway.SpoolPath);

        var (status, report) = await ReadyzAsync(gateway);

        Assert.That(status, Is.EqualTo(503));
        Assert.That(report.GetProperty("problems").EnumerateArray().Select(p => p.GetString()), Has.Some.Contains("was replaced or removed"));
    }

    [Test]
    public async Task Stopping_IsNotReady()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        var readiness = gateway.Services.GetRequiredService<Readiness>();

        gateway.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        var report = readiness.Check();

        Assert.That(report.IsReady, Is.False);
        Assert.That(report.Problems, Has.One.StartsWith("stopping:"));
    }
}
