using System.Text;
using MailGate.Receive;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Receive;

/// <summary>
/// A client that stops talking loses its connection slot after the idle timeout, wherever it stops:
/// before a command, inside DATA, in the middle of the STARTTLS handshake. The gateway has one slot here,
/// so a silent client that kept it would lock the real sender out with <c>421 4.7.0</c>. The host runs on
/// the real clock (its time is not injectable from here): the timeout is short, and nothing is timed.
/// </summary>
[TestFixture]
public sealed class SmtpIdleTimeoutTests
{
    private const string IdleReply = "421 4.4.2 mailgate Error: timeout exceeded";

    private FakePagerDuty _pagerDuty = null!;
    private string _folder = null!;
    private GatewayHarness? _gateway;

    [SetUp]
    public async Task SetUp()
    {
        _pagerDuty = await FakePagerDuty.StartAsync();
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", "idle-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _pagerDuty.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task ClientSilentInsideData_Gets421_4_4_2AndIsClosed_ThenARealSenderGets250()
    {
        await StartAsync();
        var (silent, _) = await RawSmtpClient.ConnectAsync(_gateway!.SmtpEndpoint);
        await using (silent)
        {
            await silent.BeginDataAsync();
            await silent.SendRawAsync(Encoding.ASCII.GetBytes("Subject: half a message\r\n\r\nand then nothing"));

            Assert.That(await silent.ReadUntilClosedAsync(), Is.EqualTo(new[] { IdleReply }));
        }

        Assert.That(_gateway.Services.GetRequiredService<DataBudget>().Held, Is.Zero, "the half message's bytes were given back before its 421");
        Assert.That(await RawSmtpDialog.SendMessageAsync(_gateway), Does.StartWith("250 2.0.0"));
        Assert.That(await MetricsAsync(), Does.Contain("reason=\"idle_timeout\""));
    }

    [Test]
    public async Task ClientSilentAfterTheGreeting_Gets421_4_4_2AndIsClosed_ThenARealSenderGets250()
    {
        await StartAsync();
        var (silent, greeting) = await RawSmtpClient.ConnectAsync(_gateway!.SmtpEndpoint);
        await using (silent)
        {
            Assert.That(greeting, Does.StartWith("220 "));

            Assert.That(await silent.ReadUntilClosedAsync(), Is.EqualTo(new[] { IdleReply }));
        }

        Assert.That(await RawSmtpDialog.SendMessageAsync(_gateway), Does.StartWith("250 2.0.0"));
    }

    [Test]
    public async Task ClientSilentInTheMiddleOfTheTlsHandshake_IsClosed_ThenARealSenderGets250()
    {
        var silent = await StartTlsGatewayAndSayStartTlsAsync();
        await using (silent)
        {
            // The start of a TLS ClientHello record, and then nothing more.
            await silent.SendRawAsync([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00]);

            Assert.That(await silent.ReadUntilClosedAsync(), Is.Empty, "closed without a plaintext reply");
        }

        Assert.That(await RawSmtpDialog.SendMessageAsync(_gateway!), Does.StartWith("250 2.0.0"));
        Assert.That(await MetricsAsync(), Does.Contain("reason=\"tls_handshake_timeout\""));
    }

    /// <summary>STARTTLS replaces the connection's reader: the reads over TLS are under the same idle deadline.</summary>
    [Test]
    public async Task ClientSilentAfterStartTls_Gets421_4_4_2OverTlsAndIsClosed_ThenARealSenderGets250()
    {
        var silent = await StartTlsGatewayAndSayStartTlsAsync();
        await using (silent)
        {
            await silent.StartTlsAsync();
            Assert.That(await silent.CommandAsync("EHLO test.example"), Does.StartWith("250"));

            Assert.That(await silent.ReadUntilClosedAsync(), Is.EqualTo(new[] { IdleReply }));
        }

        Assert.That(await RawSmtpDialog.SendMessageAsync(_gateway!), Does.StartWith("250 2.0.0"));
    }

    /// <summary>Starts the gateway with a certificate, connects, and says EHLO then STARTTLS (answered 220).</summary>
    private async Task<RawSmtpClient> StartTlsGatewayAndSayStartTlsAsync()
    {
        var certificate = Path.Combine(_folder, "cert.pem");
        var key = Path.Combine(_folder, "key.pem");
        TestCertificate.Write("mailgate-idle", certificate, key);
        await StartAsync($"--Smtp:Tls:CertificatePath={certificate}", $"--Smtp:Tls:KeyPath={key}");
        var (client, _) = await RawSmtpClient.ConnectAsync(_gateway!.SmtpEndpoint);
        Assert.That(await client.CommandAsync("EHLO test.example"), Does.Contain("STARTTLS"));
        Assert.That(await client.CommandAsync("STARTTLS"), Does.StartWith("220"));
        return client;
    }

    private async Task StartAsync(params string[] settings) =>
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            GatewayHarness.DefaultRules,
            ["--Smtp:CommandTimeout=00:00:01", "--Smtp:MaxConnections=1", "--Smtp:MaxConnectionsPerClient=1", .. settings]);

    private async Task<string> MetricsAsync()
    {
        using var http = new HttpClient { BaseAddress = _gateway!.HttpUrl };
        return await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
    }
}
