using System.Text.Json;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailGate.Tests.Hosting;

/// <summary>The gateway as its own process: JSON logs on stdout, SIGTERM, exit codes.</summary>
[TestFixture]
public sealed class ProcessTests
{
    private string _folder = null!;
    private TinyDnsServer _dns = null!;

    [SetUp]
    public void SetUp()
    {
        _dns = new TinyDnsServer();
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "rules.yaml"), GatewayHarness.DefaultRules);
    }

    [TearDown]
    public void TearDown()
    {
        _dns.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string[] Settings(FakePagerDuty pagerDuty, params string[] more) =>
    [
        "--Smtp:Port=0",
        "--Http:Url=http://127.0.0.1:0",
        $"--Spool:Path={Path.Combine(_folder, "spool")}",
        $"--Rules:Path={Path.Combine(_folder, "rules.yaml")}",
        $"--PagerDuty:EventsUrl={pagerDuty.EventsUrl}",
        $"--Trust:DnsServers:0={_dns.EndPoint}",
        .. more,
    ];

    [Test]
    public async Task JsonLogs_EveryLineIsOneJsonEvent_WithTheMessageFactsAsProperties()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(Settings(pagerDuty, "--Logging:Format=json"));
        var smtp = await gateway.WaitForSmtpAsync();

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(smtp.Address.ToString(), smtp.Port, SecureSocketOptions.None);
            await client.SendAsync(Mail.Fixture("abuse-report-via-google-group.eml"), MailboxAddress.Parse("bounce@example.com"), [MailboxAddress.Parse("aws-abuse@mailgate.example.com")]);
        }

        var outcome = await gateway.WaitForLineAsync(l => l.Contains("\"Outcome for", StringComparison.Ordinal));
        gateway.Terminate();
        Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero);

        foreach (var line in gateway.Lines)
        {
            using var parsed = JsonDocument.Parse(line);
            Assert.That(parsed.RootElement.TryGetProperty("@t", out _), Is.True, line);
            Assert.That(line, Does.Not.Contain(GatewayHarness.RoutingKey), "routing keys never reach the log");
        }

        using var json = JsonDocument.Parse(outcome);
        var root = json.RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.GetProperty("SpoolId").GetString(), Does.Match("^[0-9a-f]{12}-[0-9a-f]{8}$"));
            Assert.That(root.GetProperty("MessageId").GetString(), Is.EqualTo("0100018f1a2b3c4d-abuse-report-12345678@email.amazonses.com"));
            Assert.That(root.GetProperty("Sender").GetString(), Is.EqualTo("ec2-abuse@amazon.com"));
            Assert.That(root.GetProperty("Rule").GetString(), Is.EqualTo("aws-abuse-report"));
            Assert.That(root.GetProperty("DeliveryStatus").GetString(), Is.EqualTo("Delivered"));
            Assert.That(root.GetProperty("DedupKey").GetString(), Is.EqualTo(pagerDuty.Requests[0].DedupKey));
        }
    }

    [Test]
    public async Task TextLogs_AreReadableLines()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(Settings(pagerDuty));

        var line = await gateway.WaitForLineAsync(l => l.Contains("SMTP listening on", StringComparison.Ordinal));

        Assert.That(line, Does.Match(@"^\[\d\d:\d\d:\d\d\.\d{3} INF\] SMTP listening on 127\.0\.0\.1:\d+$"));
    }

    [Test]
    public async Task Sigterm_StopsCleanlyWithExitCode0()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(Settings(pagerDuty));
        await gateway.WaitForSmtpAsync();

        gateway.Terminate();

        Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero);
    }

    [Test]
    public async Task InvalidRules_ExitCode2_WithTheErrorOnOneLine()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        File.WriteAllText(Path.Combine(_folder, "rules.yaml"), "version: 2\nroutes: {}\nrules: []\n");
        await using var gateway = GatewayProcess.Start(Settings(pagerDuty));

        Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(2));
        Assert.That(gateway.Lines, Has.Some.Match(@"Configuration error: .*rules\.yaml:1:\d+: .*version"));
        Assert.That(gateway.Lines, Has.None.Contains("   at "), "no stack trace");
    }
}
