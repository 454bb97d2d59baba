using MailGate.Tests.Receive;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailGate.Tests.EndToEnd;

/// <summary>
/// Features whose libraries reach for reflection, code pages or native crypto, run in the gateway as its own
/// process (<see cref="GatewayProcess"/>; the native executable with <c>MAILGATE_TEST_EXECUTABLE</c>): STARTTLS
/// with a PEM certificate, ARC verification against DNS (BouncyCastle, DnsClient), ISO-2022-JP and HTML-only
/// mail (MimeKit, CodePagesEncodingProvider), the AWS Health poller (AWSSDK.Core) and the Serilog settings.
/// </summary>
[TestFixture]
public sealed class NativeFeaturesProcessTests
{
    private const string Selector = "arc-native";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>The default rules' route, with one rule that pages every message, so the event shows the decoded facts.</summary>
    private static readonly string PageEverything =
        GatewayHarness.DefaultRules[..GatewayHarness.DefaultRules.IndexOf("rules:", StringComparison.Ordinal)]
        + "rules:\n  - name: every-message\n    summary: \"{subject}\"\n    route: security-oncall\n";

    private GatewayProcessFolder _run = null!;

    [SetUp]
    public void SetUp() => _run = new GatewayProcessFolder(GatewayHarness.ShippedRules());

    [TearDown]
    public void TearDown() => _run.Dispose();

    [Test]
    public async Task ArcSealedReport_OverStartTls_PagesCriticalAndTrusted()
    {
        var google = TestKeys.Ed25519();
        _run.Dns.Txt($"{Selector}._domainkey.google.com", 300, TestKeys.TxtRecord(google.Public));
        var certificate = Path.Combine(_run.Folder, "cert.pem");
        var key = Path.Combine(_run.Folder, "key.pem");
        var thumbprint = TestCertificate.Write("mailgate.test", certificate, key);
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty, $"--Smtp:Tls:CertificatePath={certificate}", $"--Smtp:Tls:KeyPath={key}", "--Smtp:Tls:Required=true"));
        var smtp = await gateway.WaitForSmtpAsync();

        using (var client = new SmtpClient())
        {
            client.ServerCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint;
            await client.ConnectAsync(smtp.Address.ToString(), smtp.Port, SecureSocketOptions.StartTls);
            await client.SendAsync(AbuseReports.ThroughGoogle(google.Private, Selector), MailboxAddress.Parse("group+bnc@example.com"), [MailboxAddress.Parse("aws-abuse@mailgate.example.com")]);
        }

        await pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);
        var sent = pagerDuty.Requests.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sent.Payload.GetProperty("severity").GetString(), Is.EqualTo("critical"), string.Join('\n', gateway.Lines));
            Assert.That(sent.Details.GetProperty("trusted").GetBoolean(), Is.True);
            Assert.That(sent.Details.GetProperty("authentication").GetString(), Does.StartWith("arc=pass (google.com)"));
        }
    }

    [TestCase("subject-iso-2022-jp.eml", "【重要】AWS アカウントのセキュリティに関するお知らせ", "AWS ID: 123456789012")]
    [TestCase("html-only-body.eml", null, "access key AKIAIOSFODNN7EXAMPLE & its secret")]
    public async Task EncodedMail_IsDecoded(string fixture, string? subject, string body)
    {
        _run.Dispose();
        _run = new GatewayProcessFolder(PageEverything);
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = GatewayProcess.Start(_run.Settings(pagerDuty));
        var smtp = await gateway.WaitForSmtpAsync();

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(smtp.Address.ToString(), smtp.Port, SecureSocketOptions.None);
            await client.SendAsync(Mail.Fixture(fixture), MailboxAddress.Parse("group+bnc@example.com"), [MailboxAddress.Parse("aws-abuse@mailgate.example.com")]);
        }

        await pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);
        var details = pagerDuty.Requests.Single().Details;
        Assert.That(details.GetProperty("body").GetString(), Does.Contain(body), string.Join('\n', gateway.Lines));
        if (subject is not null)
        {
            Assert.That(details.GetProperty("subject").GetString(), Is.EqualTo(subject));
        }
    }

    [Test]
    public async Task HealthPoller_RiskEvent_Pages_WithTheSerilogPropertyOnEveryJsonLine()
    {
        const string account = "111111111111";
        await using var aws = await FakeAws.StartAsync();
        aws.Organizations.AddAccount(account, "prod-payments", "aws-root-111111111111@example.com");
        aws.Health.Put(FakeHealthEvent.Of("RISK", "AWS_RISK_CREDENTIALS_EXPOSED", DateTimeOffset.UtcNow.AddMinutes(-5), account));
        await using var pagerDuty = await FakePagerDuty.StartAsync();

        await using var gateway = GatewayProcess.Start(
            FakeAwsCredentialSource.ChildEnvironment(_run.Folder),
            _run.Settings(
                pagerDuty,
                [
                    "--Health:Enabled=true",
                    "--Health:PollInterval=00:00:01",
                    .. aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}"),
                    "--Logging:Format=json",
                    "--Serilog:MinimumLevel:Default=Warning",
                    "--Serilog:MinimumLevel:Override:MailGate.Process=Information",
                    "--Serilog:Properties:Site=native-test",
                ]));
        await pagerDuty.WaitForAsync(r => r.Count >= 1, Guard);
        await gateway.WaitForLineAsync(l => l.Contains("\"Outcome for", StringComparison.Ordinal));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pagerDuty.Requests.Single().Payload.GetProperty("summary").GetString(), Does.Contain("AWS_RISK_CREDENTIALS_EXPOSED"));
            Assert.That(gateway.Lines, Is.All.Contains("\"Site\":\"native-test\""));
            Assert.That(gateway.Lines.Where(l => !l.Contains("\"@l\":", StringComparison.Ordinal)), Is.All.Contains("\"SourceContext\":\"MailGate.Process."), "Information only where the override allows it");
        }
    }
}
