using System.Security.Authentication;
using MailGate.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailGate.Tests.Receive;

/// <summary>STARTTLS from PEM files: a real TLS session with MailKit, TLS required, certificate rotation.</summary>
[TestFixture]
public sealed class StartTlsTests
{
    private FakePagerDuty _pagerDuty = null!;
    private string _folder = null!;
    private string _certificatePath = null!;
    private string _keyPath = null!;
    private readonly HashSet<string> _issued = new(StringComparer.OrdinalIgnoreCase);
    private GatewayHarness? _gateway;

    [SetUp]
    public async Task SetUp()
    {
        _issued.Clear();
        _pagerDuty = await FakePagerDuty.StartAsync();
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", "tls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _certificatePath = Path.Combine(_folder, "cert.pem");
        _keyPath = Path.Combine(_folder, "key.pem");
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
            _gateway = null;
        }

        await _pagerDuty.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task StartTls_WithMailKit_NegotiatesTls12OrLater_AndTheMessageGets250()
    {
        var thumbprint = Issue("mailgate-one", _certificatePath, _keyPath);
        await StartGatewayAsync();

        var (reply, presented, protocol) = await SendOverStartTlsAsync();

        Assert.That(reply, Does.StartWith("2.0.0 Ok: queued as "));
        Assert.That(presented, Is.EqualTo(thumbprint));
        Assert.That(protocol, Is.EqualTo(SslProtocols.Tls12).Or.EqualTo(SslProtocols.Tls13));
    }

    [Test]
    public async Task Ehlo_AdvertisesStartTls_OnlyWhenACertificateIsConfigured()
    {
        Issue("mailgate-one", _certificatePath, _keyPath);
        await StartGatewayAsync();
        var (client, _) = await RawSmtpClient.ConnectAsync(_gateway!.SmtpEndpoint);
        await using (client)
        {
            Assert.That(await client.CommandAsync("EHLO test.example"), Does.Contain("250-STARTTLS"));
        }

        await using var plain = await GatewayHarness.StartAsync(_pagerDuty);
        var (plainClient, __) = await RawSmtpClient.ConnectAsync(plain.SmtpEndpoint);
        await using (plainClient)
        {
            Assert.That(await plainClient.CommandAsync("EHLO test.example"), Does.Not.Contain("STARTTLS"));
            Assert.That(await plainClient.CommandAsync("STARTTLS"), Does.StartWith("501"));
        }
    }

    [Test]
    public async Task TlsRequired_MailFromBeforeStartTls_Gets530_AfterStartTlsTheMessageGets250()
    {
        Issue("mailgate-one", _certificatePath, _keyPath);
        await StartGatewayAsync("--Smtp:Tls:Required=true");
        var (client, _) = await RawSmtpClient.ConnectAsync(_gateway!.SmtpEndpoint);
        await using (client)
        {
            Assert.That(await client.CommandAsync("EHLO test.example"), Does.Contain("STARTTLS"));
            Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("530 5.7.0 Must issue a STARTTLS command first"));
            Assert.That(await client.CommandAsync("RCPT TO:<aws-abuse@mailgate.example.com>"), Does.StartWith("501"), "no transaction was started");
        }

        var (reply, _, _) = await SendOverStartTlsAsync();

        Assert.That(reply, Does.StartWith("2.0.0 Ok: queued as "));
    }

    [Test]
    public async Task CertificateFilesReplaced_TheNextConnectionPresentsTheNewCertificate_InvalidFilesKeepTheLastGoodOne()
    {
        var first = Issue("mailgate-one", _certificatePath, _keyPath);
        await StartGatewayAsync();
        Assert.That((await SendOverStartTlsAsync()).Presented, Is.EqualTo(first));

        var second = Issue("mailgate-two", _certificatePath, _keyPath);

        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That((await SendOverStartTlsAsync()).Presented, Is.EqualTo(second));

        TestCertificate.WriteGarbage(_certificatePath, _keyPath);
        var (reply, presented, _) = await SendOverStartTlsAsync();

        Assert.That(presented, Is.EqualTo(second), "broken files keep the last good certificate");
        Assert.That(reply, Does.StartWith("2.0.0"));
    }

    [Test]
    public async Task AfterStartTls_EhloAdvertisesNeitherAuthNorStartTls_AndAuthWithAnyCredentialsGets503_5_5_1()
    {
        Issue("mailgate-one", _certificatePath, _keyPath);
        await StartGatewayAsync();
        using var client = new RawCommandClient();
        client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && _issued.Contains(certificate.GetCertHashString());
        await client.ConnectAsync(_gateway!.SmtpEndpoint.Address.ToString(), _gateway.SmtpEndpoint.Port, SecureSocketOptions.StartTls);

        Assert.That(client.IsSecure, Is.True);
        var ehlo = await client.SendAsync("EHLO client.example");
        Assert.That(ehlo.Response, Is.EqualTo("mailgate Hello client.example\nPIPELINING\n8BITMIME\nSMTPUTF8\nSIZE 26214400"));
        Assert.That(client.AuthenticationMechanisms, Is.Empty);
        foreach (var command in new[] { "AUTH PLAIN AHVzZXIAcGFzc3dvcmQ=", "AUTH LOGIN", "AUTH CRAM-MD5" })
        {
            var reply = await client.SendAsync(command);
            Assert.That(((int)reply.StatusCode, reply.Response), Is.EqualTo((503, "5.5.1 Error: authentication not enabled")), command);
        }

        Assert.That(client.IsAuthenticated, Is.False);
        await client.DisconnectAsync(quit: true);
    }

    [TestCase("--Smtp:Tls:CertificatePath={cert}", "Smtp:Tls:CertificatePath and Smtp:Tls:KeyPath must be set together")]
    [TestCase("--Smtp:Tls:Required=true", "Smtp:Tls:Required needs Smtp:Tls:CertificatePath and Smtp:Tls:KeyPath")]
    [TestCase("--Smtp:Tls:CertificatePath={folder}/missing.pem|--Smtp:Tls:KeyPath={key}", "Smtp:Tls:CertificatePath/Smtp:Tls:KeyPath: cannot load the certificate and key")]
    [TestCase("--Smtp:Tls:CertificatePath={key}|--Smtp:Tls:KeyPath={cert}", "Smtp:Tls:CertificatePath/Smtp:Tls:KeyPath: cannot load the certificate and key")]
    public void Start_WithBadTlsSettings_FailsNamingTheKey(string settings, string expected)
    {
        Issue("mailgate-one", _certificatePath, _keyPath);
        var args = settings.Replace("{cert}", _certificatePath, StringComparison.Ordinal)
            .Replace("{key}", _keyPath, StringComparison.Ordinal)
            .Replace("{folder}", _folder, StringComparison.Ordinal)
            .Split('|');

        var error = Assert.CatchAsync(async () => _gateway = await GatewayHarness.StartAsync(_pagerDuty, GatewayHarness.DefaultRules, args));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    private string Issue(string name, string certificatePath, string keyPath)
    {
        var thumbprint = TestCertificate.Write(name, certificatePath, keyPath);
        _issued.Add(thumbprint);
        return thumbprint;
    }

    private async Task StartGatewayAsync(params string[] settings)
    {
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            GatewayHarness.DefaultRules,
            [$"--Smtp:Tls:CertificatePath={_certificatePath}", $"--Smtp:Tls:KeyPath={_keyPath}", .. settings]);
    }

    private async Task<(string Reply, string? Presented, SslProtocols Protocol)> SendOverStartTlsAsync()
    {
        string? presented = null;
        using var client = new SmtpClient();
        client.ServerCertificateValidationCallback = (_, certificate, _, _) =>
        {
            // Trust exactly the certificates this test wrote.
            presented = certificate?.GetCertHashString();
            return presented is not null && _issued.Contains(presented);
        };
        await client.ConnectAsync(_gateway!.SmtpEndpoint.Address.ToString(), _gateway.SmtpEndpoint.Port, SecureSocketOptions.StartTls);
        var protocol = client.SslProtocol;
        var message = new MimeMessage { Subject = "over TLS" };
        message.From.Add(MailboxAddress.Parse("sender@example.com"));
        message.To.Add(MailboxAddress.Parse("aws-abuse@mailgate.example.com"));
        message.Body = new TextPart("plain") { Text = "body" };
        var reply = await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
        return (reply, presented, protocol);
    }

    /// <summary>MailKit's client with a way to send a command it would not send itself.</summary>
    private sealed class RawCommandClient : SmtpClient
    {
        public Task<SmtpResponse> SendAsync(string command) => SendCommandAsync(command);
    }
}
