using MailGate.Core.Rules;
using MailGate.Cli;
using MailGate.Hosting;
using MailGate.Rules;
using MailGate.Tests.Support;

namespace MailGate.Tests.Hosting;

/// <summary>Bad configuration stops start-up with one clear line naming the key, and exit code 2.</summary>
[TestFixture]
public sealed class StartupValidationTests
{
    [TestCase("--Smtp:Port=70000", "Smtp:Port must be between 0 and 65535")]
    [TestCase("--Smtp:Address=not-an-ip", "Smtp:Address must be an IP address")]
    [TestCase("--Smtp:AcceptedRecipients:0=nobody", "Smtp:AcceptedRecipients: 'nobody'")]
    [TestCase("--Smtp:MaxMessageSize=10", "Smtp:MaxMessageSize must be between 1024 and 1073741824 bytes (is 10)")]
    [TestCase("--Smtp:MaxMessageSize=2147483647", "Smtp:MaxMessageSize must be between 1024 and 1073741824 bytes (is 2147483647)")]
    [TestCase("--PagerDuty:MaxAge=00:00:00", "PagerDuty:MaxAge must be a positive duration")]
    [TestCase("--PagerDuty:MaxConcurrentRequests=0", "PagerDuty:MaxConcurrentRequests must be between 1 and 64")]
    [TestCase("--Smtp:Port=abc", "Smtp:Port")]
    [TestCase("--Logging:Format=xml", "Logging:Format must be 'text' or 'json'")]
    [TestCase("--Parse:FallbackCharsets:0=x-no-such-charset", "Parse:FallbackCharsets must name charsets .NET knows")]
    [TestCase("--PagerDuty:BreakDuration=2.00:00:00", "PagerDuty:BreakDuration must be between 00:00:00.5 and 1.00:00:00 (is 2.00:00:00)")] // Polly's own check gave a stack trace and exit 1 before
    [TestCase("--Http:Url=", "Http:Url must be a URL such as http://127.0.0.1:8025 (is '')")] // Kestrel fell back to http://localhost:5000
    [TestCase("--Http:Url=https://127.0.0.1:0", "Http:Url must be an http:// URL")] // these four: a stack trace once SMTP already listened
    [TestCase("--Http:Url=ftp://127.0.0.1:0", "Http:Url must be an http:// URL")]
    [TestCase("--Http:Url=http://127.0.0.1:99999", "Http:Url must have a port between 0 and 65535")]
    [TestCase("--Http:Url=http://127.0.0.1:0/health", "Http:Url must have no path")]
    [TestCase("--Http:Url=http://localhost:0", "Http:Url cannot pick a free port (0) on localhost")]
    [TestCase("--Http:Url=http://mailgate.example.com:8025", "Http:Url must name an IP address, localhost, or *")] // Kestrel listened on every interface
    [TestCase("--Http:Url=http://127.0.0.1:0;http://user@127.0.0.1:0", "Http:Url must name an IP address, localhost, or *")]
    [TestCase("--Coverage:Enabled=true", "Coverage:ProbeKey is not set (set it from the environment: MAILGATE_Coverage__ProbeKey")] // and From, Relay:Host
    public async Task InvalidSetting_FailsStartWithAMessageNamingTheKey(string setting, string expected)
    {
        var error = await StartFailureAsync(setting);

        var lines = StartupErrors.Describe(error);
        Assert.That(lines, Is.Not.Null, error.ToString());
        Assert.That(lines!, Has.Some.Contains(expected));
    }

    [TestCase("version: 1\nroutes: {}\nrules:\n  - name: a\n    route: nowhere\n", "rules.yaml:5:")]
    [TestCase("version: 1\nroutes: {}\nrules:\n  - name: a\n    when: &w { any: [ *w ] }\n    action: drop\n", "rules.yaml:5:23: alias '*w' refers to a node that contains it")]
    public async Task RulesFileWithError_FailsStartWithFileAndLine(string text, string expected)
    {
        // The second file killed every start with a stack overflow (issue #11 §2).
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var rules = Path.Combine(folder, "rules.yaml");
        await File.WriteAllTextAsync(rules, text);
        try
        {
            var error = await StartFailureAsync($"--Rules:Path={rules}");
            Assert.That(error, Is.InstanceOf<RulesException>());
            Assert.That(StartupErrors.Describe(error)!, Has.Some.Contains(expected));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task CommandLine_WithInvalidSetting_ExitsWith2()
    {
        var exit = await MailGateCommandLine.RunAsync(["serve", "--Smtp:Port=70000", "--Http:Url=http://127.0.0.1:0", "--Smtp:Address=127.0.0.1", "--Trust:Verify=false"]);
        Assert.That(exit, Is.EqualTo(2));
    }

    private static async Task<Exception> StartFailureAsync(string setting)
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var spool = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var app = MailGateHost.Build(["--Smtp:Port=0", "--Http:Url=http://127.0.0.1:0", $"--Spool:Path={spool}", $"--PagerDuty:EventsUrl={pagerDuty.EventsUrl}", "--Trust:Verify=false", setting]);
            await app.StartAsync();
            await app.StopAsync();
            Assert.Fail($"the gateway started with {setting}");
            throw new InvalidOperationException("unreachable");
        }
        catch (Exception e) when (e is not AssertionException)
        {
            return e;
        }
        finally
        {
            if (Directory.Exists(spool))
            {
                Directory.Delete(spool, recursive: true);
            }
        }
    }
}
