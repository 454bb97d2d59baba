using MailGate.Hosting;
using MailGate.Startup;
using Microsoft.Extensions.Configuration;

namespace MailGate.Tests.Hosting;

/// <summary>
/// A misspelt key (<c>--Smtp:MaxMesageSize=1</c>, <c>MAILGATE_Smtp__AcceptedRecipient__0</c>) was
/// silently ignored: the gateway ran with the default, which for <c>Smtp:AcceptedRecipients</c> is "any
/// address of the test domain". Now every key MailGate does not read, a value for a list or group as a
/// whole (which the binder drops), a duration no timer takes and a URL that is not one are refused at
/// start, one line each, naming the key as written and the closest real one.
/// </summary>
[TestFixture]
public sealed class ConfigurationSchemaTests
{
    [TestCase("--Smtp:MaxMesageSize=1", "--Smtp:MaxMesageSize is not a MailGate setting; did you mean --Smtp:MaxMessageSize?")]
    [TestCase("--Smtp:AcceptedRecipient:0=a@b.example", "--Smtp:AcceptedRecipient:0 is not a MailGate setting; did you mean --Smtp:AcceptedRecipients:0?")]
    [TestCase("--Smtp:AcceptedRecipient:3=a@b.example", "--Smtp:AcceptedRecipient:3 is not a MailGate setting; did you mean --Smtp:AcceptedRecipients:3?")]
    [TestCase("--Smtpp:Port=25", "--Smtpp:Port is not a MailGate setting; did you mean --Smtp:Port?")]
    [TestCase("--Port=25", "--Port is not a MailGate setting; did you mean --Smtp:Port?")]
    [TestCase("--Smtp:Tls:Requird=true", "--Smtp:Tls:Requird is not a MailGate setting; did you mean --Smtp:Tls:Required?")]
    [TestCase("--Smtp:Port:0=25", "--Smtp:Port:0 is not a MailGate setting; did you mean --Smtp:Port?")]
    [TestCase("--Smtp:AcceptedRecipients:first=a@b.example", "--Smtp:AcceptedRecipients:first is not a MailGate setting; did you mean --Smtp:AcceptedRecipients:0?")]
    [TestCase("--PagerDuty:MaxAgee=1.00:00:00", "--PagerDuty:MaxAgee is not a MailGate setting; did you mean --PagerDuty:MaxAge?")]
    [TestCase("--Nothing:Like:This:At:All=1", "--Nothing:Like:This:At:All is not a MailGate setting (docs/operations.md, Configuration, lists the settings)")]
    [TestCase("--environment=Production", "--environment is not a MailGate setting (docs/operations.md, Configuration, lists the settings)")]
    [TestCase("--Smtp:AcceptedRecipients=a@b.example", "--Smtp:AcceptedRecipients is a list: set its entries one by one, --Smtp:AcceptedRecipients:0, --Smtp:AcceptedRecipients:1, … (a value for the list as a whole is ignored)")]
    [TestCase("--Trust:DnsServers=10.0.0.2", "--Trust:DnsServers is a list: set its entries one by one, --Trust:DnsServers:0, --Trust:DnsServers:1, … (a value for the list as a whole is ignored)")]
    [TestCase("--Smtp:Tls=on", "--Smtp:Tls is a group of settings, not a value: set its keys one by one, e.g. --Smtp:Tls:CertificatePath")]
    [TestCase("--Spool=/var/spool", "--Spool is a group of settings, not a value: set its keys one by one, e.g. --Spool:Path")]
    [TestCase("--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Default is not a MailGate setting: under Logging: only Logging:Format is read; log levels are Serilog:MinimumLevel:Default and Serilog:MinimumLevel:Override:<category>")]
    [TestCase("--Serilog:MinimumLevl:Default=Debug", "--Serilog:MinimumLevl:Default is not a Serilog setting MailGate knows; did you mean --Serilog:MinimumLevel:Default?")]
    [TestCase("--Serilog:MinimumLevel:Overide:Microsoft=Debug", "--Serilog:MinimumLevel:Overide:Microsoft is not a Serilog setting MailGate knows; did you mean --Serilog:MinimumLevel:Override:Microsoft?")]
    [TestCase("--Serilog:Propertys:Site=eu-1", "--Serilog:Propertys:Site is not a Serilog setting MailGate knows; did you mean --Serilog:Properties:Site?")]
    [TestCase("--Serilog:WriteTo:0:Name=File", "--Serilog:WriteTo:0:Name is not supported: MailGate writes its log to standard output only, as text or JSON (Logging:Format); under Serilog: it reads MinimumLevel and Properties")] // ignored without a word
    [TestCase("--Serilog:WriteTo:0:Name=Console", "--Serilog:WriteTo:0:Name is not supported: MailGate writes its log to standard output only, as text or JSON (Logging:Format); under Serilog: it reads MinimumLevel and Properties")] // every line twice
    [TestCase("--Serilog:Using:0=Serilog.Sinks.Seq", "--Serilog:Using:0 is not supported: MailGate writes its log to standard output only, as text or JSON (Logging:Format); under Serilog: it reads MinimumLevel and Properties")]
    [TestCase("--Serilog:Enrich:0=FromLogContext", "--Serilog:Enrich:0 is not supported: MailGate writes its log to standard output only, as text or JSON (Logging:Format); under Serilog: it reads MinimumLevel and Properties")]
    [TestCase("--Spool:ScanInterval=10675199.00:00:00", "Spool:ScanInterval must be at most 24.20:31:23.647 (is 10675199.00:00:00): longer than .NET's timers and HTTP timeouts allow")]
    [TestCase("--Rules:ReloadInterval=25.00:00:00", "Rules:ReloadInterval must be at most 24.20:31:23.647 (is 25.00:00:00): longer than .NET's timers and HTTP timeouts allow")]
    [TestCase("--PagerDuty:RequestTimeout=30.00:00:00", "PagerDuty:RequestTimeout must be at most 24.20:31:23.647 (is 30.00:00:00): longer than .NET's timers and HTTP timeouts allow")]
    [TestCase("--SupportCases:PollInterval=99.00:00:00", "SupportCases:PollInterval must be at most 24.20:31:23.647 (is 99.00:00:00): longer than .NET's timers and HTTP timeouts allow")]
    [TestCase("--PagerDuty:EventsUrl=", "PagerDuty:EventsUrl must be an absolute http(s) URL (is '')")]
    [TestCase("--Aws:SupportEndpoint=support.example", "Aws:SupportEndpoint must be an absolute http(s) URL (is 'support.example')")]
    public void Check_ArgumentMailGateDoesNotRead_OneLineNamingItAndTheClosestKey(string argument, string expected) =>
        Assert.That(ConfigurationSchema.Check(new ConfigurationBuilder().AddCommandLine([argument]).Build()), Is.EqualTo(new[] { expected }));

    [TestCase("--Smtp:Port=25")]
    [TestCase("--smtp:port=25")] // keys ignore case, as configuration does
    [TestCase("--Smtp:AcceptedRecipients:0=a@b.example")]
    [TestCase("--Smtp:AcceptedRecipients:12=a@b.example")]
    [TestCase("--Smtp:Tls:CertificatePath=")]
    [TestCase("--Parse:FallbackCharsets:0=shift_jis")]
    [TestCase("--SupportCases:Languages:1=ja")]
    [TestCase("--Aws:StsEndpoint=")] // optional: empty means AWS's own
    [TestCase("--Rules:Path=")]
    [TestCase("--Spool:ScanInterval=24.20:31:23.647")]
    [TestCase("--Spool:ScanInterval=soon")] // not a duration: the binder's one line says so, later
    [TestCase("--Logging:Format=json")]
    [TestCase("--Serilog:MinimumLevel=Debug")]
    [TestCase("--Serilog:MinimumLevel:Override:MailGate.Receive=Debug")]
    [TestCase("--Serilog:Properties:Site=eu-1")]
    public void Check_KeysMailGateReads_NoProblem(string argument) =>
        Assert.That(ConfigurationSchema.Check(new ConfigurationBuilder().AddCommandLine([argument]).Build()), Is.Empty);

    [Test]
    public void Check_SeveralProblems_OneLineEach()
    {
        var problems = ConfigurationSchema.Check(new ConfigurationBuilder().AddCommandLine(["--Smtp:MaxMesageSize=1", "--Spool:Pth=x", "--Smtp:Port=25"]).Build());

        Assert.That(problems, Has.Count.EqualTo(2));
        Assert.That(problems, Has.One.StartsWith("--Smtp:MaxMesageSize ").And.One.StartsWith("--Spool:Pth "));
    }

    [Test]
    public void Check_KeyInAJsonFile_NamesTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"mailgate-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "Smtp": { "MaxMesageSize": 1, "Port": 25, "AcceptedRecipients": [ "a@b.example" ] } }""");
        try
        {
            var problems = ConfigurationSchema.Check(new ConfigurationBuilder().AddJsonFile(file).Build());

            Assert.That(problems, Is.EqualTo(new[] { $"Smtp:MaxMesageSize in {Path.GetFileName(file)} is not a MailGate setting; did you mean Smtp:MaxMessageSize?" }));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Check_TheShippedAppSettings_NoProblem() =>
        Assert.That(ConfigurationSchema.Check(new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build()), Is.Empty);

    [Test]
    public void Keys_EveryOptionsSection_IsFound() =>
        Assert.That(ConfigurationSchema.Sections, Is.SupersetOf(new[] { "Smtp", "Spool", "Rules", "PagerDuty", "Http", "Trust", "Parse", "SupportCases", "Aws", "Logging", "Serilog" }));

    [Test]
    public void Keys_EveryDuration_IsAValueOfTypeTimeSpan()
    {
        var durations = ConfigurationSchema.Keys.Where(k => k.ValueType == typeof(TimeSpan)).Select(k => k.Pattern).ToArray();

        Assert.That(durations, Is.SupersetOf(new[] { "Spool:ScanInterval", "Rules:ReloadInterval", "PagerDuty:RequestTimeout", "Smtp:SessionTimeout", "Trust:VerificationTimeout", "Aws:RequestTimeout" }));
    }

    [TestCase(new[] { "--Smtp:Port=25" }, null)]
    [TestCase(new[] { "--Smtp:Port", "25" }, null)]
    [TestCase(new[] { "/Smtp:Port=25" }, null)]
    [TestCase(new[] { "stauts" }, "'stauts' is neither a command (serve, rules, spool, health, version) nor a setting (--Section:Key=value)")]
    [TestCase(new[] { "--Smtp:Port=25", "extra" }, "'extra' is neither a command (serve, rules, spool, health, version) nor a setting (--Section:Key=value)")]
    [TestCase(new[] { "--Smtp:Port", "25", "26" }, "'26' is neither a command (serve, rules, spool, health, version) nor a setting (--Section:Key=value)")]
    public void CheckArguments_AWordThatIsNoSetting_IsRefused(string[] args, string? expected)
    {
        if (expected is null)
        {
            Assert.DoesNotThrow(() => MailGateConfiguration.CheckArguments(args));
        }
        else
        {
            Assert.That(() => MailGateConfiguration.CheckArguments(args), Throws.TypeOf<StartupException>().With.Property(nameof(StartupException.Problems)).EqualTo(new[] { expected }));
        }
    }

    /// <summary>The command line's configuration source skips a bare word: <c>mailgate stauts</c>, a mistyped command, started the gateway.</summary>
    [Test]
    public async Task CommandLine_MistypedCommand_Exit2_StartsNothing()
    {
        var spool = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));

        var exit = await MailGate.Cli.MailGateCommandLine.RunAsync(["stauts", "--Smtp:Port=0", "--Http:Url=http://127.0.0.1:0", $"--Spool:Path={spool}", "--Trust:Verify=false"]);

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(Directory.Exists(spool), Is.False);
    }

    /// <summary>The environment form needs the real process environment, so the real gateway as a process.</summary>
    [Test]
    public async Task Serve_MisspeltEnvironmentVariable_Exit2_OneLineNamingItAndTheClosestKey()
    {
        var spool = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        await using var gateway = Support.GatewayProcess.Start(
            new Dictionary<string, string> { ["MAILGATE_Smtp__AcceptedRecipient__0"] = "aws-abuse@example.com", ["MAILGATE_SMTP_PORT"] = "25" },
            "--Smtp:Port=0", "--Http:Url=http://127.0.0.1:0", $"--Spool:Path={spool}", "--Trust:Verify=false");
        try
        {
            Assert.That(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(2), string.Join('\n', gateway.Lines));
            Assert.That(gateway.Lines, Is.EqualTo(new[] { gateway.Lines[0] }), "one line");
            Assert.That(gateway.Lines[0], Does.EndWith("Configuration error: MAILGATE_Smtp__AcceptedRecipient__0 is not a MailGate setting; did you mean MAILGATE_Smtp__AcceptedRecipients__0?"));
            Assert.That(Directory.Exists(spool), Is.False, "refused before anything was touched");
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
