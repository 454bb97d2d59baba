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
    private GatewayProcessFolder _run = null!;

    [SetUp]
    public void SetUp() => _run = new GatewayProcessFolder(GatewayHarness.DefaultRules);

    [TearDown]
    public void TearDown() => _run.Dispose();

    [Test]
    public async Task JsonLogs_EveryLineIsOneJsonEvent_WithTheMessageFactsAsProperties()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty, "--Logging:Format=json"));
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
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty));

        var line = await gateway.WaitForLineAsync(l => l.Contains("SMTP listening on", StringComparison.Ordinal));

        Assert.That(line, Does.Match(@"^\[\d\d:\d\d:\d\d\.\d{3} INF\] SMTP listening on 127\.0\.0\.1:\d+$"));
    }

    [Test]
    public async Task Sigterm_StopsCleanlyWithExitCode0()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty));
        await gateway.WaitForSmtpAsync();

        gateway.Terminate();

        Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero);
    }

    [Test]
    public async Task InvalidRules_ExitCode2_WithTheErrorOnOneLine()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        File.WriteAllText(Path.Combine(_run.Folder, "rules.yaml"), "version: 2\nroutes: {}\nrules: []\n");
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty));

        Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(2));
        Assert.That(gateway.Lines, Has.Some.Match(@"Configuration error: .*rules\.yaml:1:\d+: .*version"));
        Assert.That(gateway.Lines, Has.None.Contains("   at "), "no stack trace");
    }

    /// <summary>
    /// Issue #11 §2: a configuration error prints the promised one line, not a stack trace first. Every
    /// path: a validator, the binder (argument or environment), Kestrel's URL, Serilog's level, a spool
    /// folder that cannot be made.
    /// </summary>
    [TestCase("--Smtp:MaxMessageSize=100000", "Smtp:Max")] // the issue's case: the default Smtp:MaxHeaderSize is larger
    [TestCase("--Smtp:Port=abc", "Smtp:Port must be a whole number (is 'abc')")]
    [TestCase("MAILGATE_Spool__ScanInterval=soon", "Spool:ScanInterval must be a duration")]
    [TestCase("MAILGATE_Smtp__Port=abc", "Smtp:Port must be a whole number")]
    [TestCase("--Http:Url=garbage", "Http:Url must be a URL")]
    [TestCase("--Serilog:MinimumLevel:Default=Loud", "Serilog:MinimumLevel:Default must be one of")]
    [TestCase("--Spool:Path={file}", "Spool:Path")]
    [TestCase("--Logging:Format=xml", "Logging:Format must be 'text' or 'json'")]
    [TestCase("--Parse:FallbackCharsets:0=utf-7", "Parse:FallbackCharsets must name charsets .NET knows")]
    public async Task ConfigurationError_ExactlyOneLineNamingTheKey_Exit2_NoStackTrace(string setting, string expected)
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var file = Path.Combine(_run.Folder, "a-file");
        File.WriteAllText(file, "not a folder");
        setting = setting.Replace("{file}", file, StringComparison.Ordinal);
        var environment = new Dictionary<string, string>();
        string[] args = _run.Settings(pagerDuty);
        if (setting.StartsWith("MAILGATE_", StringComparison.Ordinal))
        {
            var (name, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            environment[name] = value;
            args = [.. args.Where(a => !a.StartsWith("--" + name["MAILGATE_".Length..].Replace("__", ":", StringComparison.Ordinal) + "=", StringComparison.Ordinal))];
        }
        else
        {
            args = [.. args, setting];
        }

        await using var gateway = GatewayProcess.Start(environment, args);

        Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(2), string.Join('\n', gateway.Lines));
        var errors = gateway.Lines.Where(l => l.Contains("Configuration error: ", StringComparison.Ordinal)).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors, Has.Length.EqualTo(1), string.Join('\n', gateway.Lines));
            Assert.That(errors.FirstOrDefault(), Does.Contain(expected));
            Assert.That(gateway.Lines, Has.None.Contains("   at ").And.None.Contains("Exception"), "no stack trace");
            Assert.That(gateway.Lines.Where(l => l.Contains(" ERR] ", StringComparison.Ordinal) || l.Contains(" FTL] ", StringComparison.Ordinal)), Is.EqualTo(errors), "nothing else at Error or above");
        }
    }

    /// <summary>
    /// With Logging:Format=json (the container's default) a configuration error found before the host's
    /// logger existed (a misspelt key, Http:Url, a Serilog level) was written as a text line, which a JSON
    /// log pipeline drops or garbles.
    /// </summary>
    [TestCase("--Smtp:MaxMesageSize=1", "--Smtp:MaxMesageSize is not a MailGate setting")]
    [TestCase("--Http:Url=ftp://127.0.0.1:0", "Http:Url must be an http:// URL")]
    [TestCase("--Serilog:MinimumLevel:Default=Loud", "Serilog:MinimumLevel:Default must be one of")]
    [TestCase("--Smtp:Port=70000", "Smtp:Port must be between 0 and 65535")]
    public async Task ConfigurationError_JsonFormat_IsOneJsonLine(string setting, string expected)
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string> { ["MAILGATE_Logging__Format"] = "json" }, [.. _run.Settings(pagerDuty), setting]);

        Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(2), string.Join('\n', gateway.Lines));
        var fatal = gateway.Lines.Single(l => l.Contains("Configuration error", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(fatal);
        Assert.That(json.RootElement.GetProperty("@l").GetString(), Is.EqualTo("Fatal"));
        Assert.That(json.RootElement.GetProperty("Problem").GetString(), Does.StartWith(expected));
        Assert.That(gateway.Lines.Select(l => l.TrimStart()[0]), Is.All.EqualTo('{'), "every line is JSON");
    }

    [Test]
    public async Task ConfigurationErrors_TwoInvalidValues_OneLineEach()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty, "--Smtp:Port=70000", "--PagerDuty:MaxAge=00:00:00"));

        Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(2));
        var errors = gateway.Lines.Where(l => l.Contains("Configuration error: ", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(2));
        Assert.That(errors, Has.One.Contains("Smtp:Port").And.One.Contains("PagerDuty:MaxAge"));
        Assert.That(gateway.Lines, Has.None.Contains("   at "));
    }

    /// <summary>Issue #11 §2: the SMTP listener failing stops the gateway with a non-zero exit code and one line saying which service failed.</summary>
    [Test]
    public async Task SmtpPortTaken_Exit1_NamingTheFailedService()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        await using var gateway = GatewayProcess.Start([.. _run.Settings(pagerDuty).Where(a => !a.StartsWith("--Smtp:Port=", StringComparison.Ordinal)), $"--Smtp:Port={port}"]);

        Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(1));
        Assert.That(gateway.Lines, Has.One.Contains("SmtpReceiverService failed: Address already in use"));
        Assert.That(gateway.Lines, Has.None.Contains("BackgroundService failed"), "the host's own report is replaced by MailGate's");
    }

    /// <summary>
    /// HTTP's port in use: the gateway stopped with "MailGate stopped unexpectedly" and a 30-line stack
    /// trace (after SMTP already listened). Now one line, event 920, naming the URL and the cause; exit 1.
    /// </summary>
    [Test]
    public async Task HttpPortTaken_Exit1_OneLineNamingTheUrl_NoStackTrace()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}";
        await using var gateway = GatewayProcess.Start([.. _run.Settings(pagerDuty).Where(a => !a.StartsWith("--Http:Url=", StringComparison.Ordinal)), $"--Http:Url={url}"]);

        Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(gateway.Lines.Where(l => l.Contains(" FTL] ", StringComparison.Ordinal) || l.Contains(" ERR] ", StringComparison.Ordinal)),
                Is.EqualTo(new[] { gateway.Lines.First(l => l.Contains(" FTL] ", StringComparison.Ordinal)) }).And.One.EndsWith($"FTL] Cannot start: HTTP cannot listen on {url}: Address already in use. Free that address or change Http:Url; the gateway exits with code 1"));
            Assert.That(gateway.Lines, Has.None.Contains("   at "), "no stack trace");
        }
    }

    /// <summary>
    /// Issue #11 §4 "Two gateways on one spool": both ran, 8 of 40 messages were POSTed twice and the
    /// second start's recovery deleted the first's incoming/. Now the second refuses to start, before
    /// recovery, with one line, and the first keeps serving.
    /// </summary>
    [Test]
    public async Task SecondGateway_OnTheSameSpool_IsRefused_TheFirstKeepsServing()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var first = GatewayProcess.Start(_run.Settings(pagerDuty));
        var smtp = await first.WaitForSmtpAsync();
        var partial = Directory.CreateDirectory(Path.Combine(_run.Folder, "spool", "incoming", "019a00000000-0000beef")).FullName;

        await using var second = GatewayProcess.Start(_run.Settings(pagerDuty));

        Assert.That(await second.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.Lines, Has.One.Match(@"FTL\] Cannot start: the spool .*/spool is in use by another process .*mailgate\.lock.* give this one its own Spool:Path"));
            Assert.That(second.Lines, Has.None.Contains("   at ").And.None.Contains("SMTP listening").And.None.Contains("Spool at "), "refused before recovery, before listening");
            Assert.That(Directory.Exists(partial), Is.True, "the first gateway's incoming/ is left alone");
            Assert.That(first.HasExited, Is.False);
        }

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(smtp.Address.ToString(), smtp.Port, SecureSocketOptions.None);
            await client.SendAsync(Mail.Fixture("abuse-report-via-google-group.eml"), MailboxAddress.Parse("bounce@example.com"), [MailboxAddress.Parse("aws-abuse@mailgate.example.com")]);
        }

        await first.WaitForLineAsync(l => l.Contains("Outcome for", StringComparison.Ordinal));
        Assert.That(pagerDuty.Requests, Has.Count.EqualTo(1));
    }

    /// <summary>The kernel frees the lock when its holder dies: a gateway killed with SIGKILL is restarted on the same spool.</summary>
    [Test]
    public async Task LockHolderKilled_TheRestartOnTheSameSpool_Starts()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using (var killed = GatewayProcess.Start(_run.Settings(pagerDuty)))
        {
            await killed.WaitForSmtpAsync();
            killed.Kill();
            await killed.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.That(File.Exists(Path.Combine(_run.Folder, "spool", "mailgate.lock")), Is.True, "the lock file stays; its lock does not");
        await using var restarted = GatewayProcess.Start(_run.Settings(pagerDuty));
        await restarted.WaitForSmtpAsync();
        restarted.Terminate();
        Assert.That(await restarted.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero);
    }
}
