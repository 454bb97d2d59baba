using System.Text;
using MailGate.Receive;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Receive;

/// <summary>
/// Attacks on the pooled receive path (<see cref="DataBlockPool"/>, <see cref="PooledDuplexPipe"/>): however a
/// session ends, every block it read into is back in the pool once the client sees the connection close, and
/// STARTTLS discards what was pipelined after it (RFC 3207 §4.2).
/// </summary>
[TestFixture]
public sealed class SmtpBlockPoolAttackTests
{
    private FakePagerDuty _pagerDuty = null!;
    private string _folder = null!;
    private GatewayHarness? _gateway;

    [SetUp]
    public async Task SetUp()
    {
        _pagerDuty = await FakePagerDuty.StartAsync();
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", "pool-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        var certificate = Path.Combine(_folder, "cert.pem");
        var key = Path.Combine(_folder, "key.pem");
        TestCertificate.Write("mailgate-pool", certificate, key);
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            GatewayHarness.DefaultRules,
            ["--Smtp:CommandTimeout=00:00:01", "--Smtp:MaxConnections=1", "--Smtp:MaxConnectionsPerClient=1", $"--Smtp:Tls:CertificatePath={certificate}", $"--Smtp:Tls:KeyPath={key}"]);
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

    private DataBlockPool Pool => _gateway!.Services.GetRequiredService<DataBlockPool>();

    [Test]
    public async Task MessageThenQuit_EveryBlockIsBack()
    {
        var client = await ConnectAsync();
        await using (client)
        {
            await client.BeginDataAsync();
            Assert.That(await client.EndDataAsync(RawSmtpDialog.MessageOfSize(20_000)), Does.StartWith("250 2.0.0"));
            await client.QuitAsync();
        }

        AssertEveryBlockBack();
    }

    [Test]
    public async Task ClientHalfClosesMidData_EveryBlockIsBack()
    {
        var client = await ConnectAsync();
        await using (client)
        {
            await client.BeginDataAsync();
            await client.SendRawAsync(Encoding.ASCII.GetBytes(RawSmtpDialog.MessageOfSize(20_000)[..10_000]));
            client.ShutdownSend();
            await client.ReadUntilClosedAsync();
        }

        AssertEveryBlockBack();
    }

    [Test]
    public async Task ClientSilentInData_IdleTimeout_EveryBlockIsBack()
    {
        var client = await ConnectAsync();
        await using (client)
        {
            await client.BeginDataAsync();
            await client.SendRawAsync(Encoding.ASCII.GetBytes(RawSmtpDialog.MessageOfSize(20_000)[..10_000]));
            Assert.That(await client.ReadUntilClosedAsync(), Has.Some.StartWith("421 4.4.2"));
        }

        AssertEveryBlockBack();
    }

    [Test]
    public async Task StartTlsWithPipelinedCommands_TheyAreDiscarded_AndEveryBlockIsBack()
    {
        var client = await ConnectAsync();
        await using (client)
        {
            Assert.That(await client.CommandAsync("EHLO test.example"), Does.Contain("STARTTLS"));
            await client.SendRawAsync("STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n"u8.ToArray());
            Assert.That(await client.ReadReplyAsync(), Does.StartWith("220"));
            await client.StartTlsAsync();
            Assert.That(await client.CommandAsync("EHLO test.example"), Does.StartWith("250"));
            Assert.That(await client.CommandAsync($"RCPT TO:<{RawSmtpDialog.Recipient}>"), Does.StartWith("5"), "no transaction was started by the pipelined MAIL");
            await client.QuitAsync();
        }

        AssertEveryBlockBack();
    }

    [Test]
    public async Task TlsHandshakeGarbage_EveryBlockIsBack()
    {
        var client = await ConnectAsync();
        await using (client)
        {
            Assert.That(await client.CommandAsync("EHLO test.example"), Does.Contain("STARTTLS"));
            Assert.That(await client.CommandAsync("STARTTLS"), Does.StartWith("220"));
            await client.SendRawAsync(Encoding.ASCII.GetBytes(new string('x', 6000)));
            await client.ReadUntilClosedAsync();
        }

        AssertEveryBlockBack();
    }

    [Test]
    public async Task RefusedByTheConnectionLimit_EveryBlockIsBack()
    {
        var admitted = await ConnectAsync();
        await using (admitted)
        {
            var (refused, greeting) = await RawSmtpClient.ConnectAsync(_gateway!.SmtpEndpoint);
            await using (refused)
            {
                Assert.That(greeting, Does.StartWith("421 4.7.0"));
                await refused.ReadUntilClosedAsync();
            }

            await admitted.QuitAsync();
        }

        AssertEveryBlockBack();
    }

    private async Task<RawSmtpClient> ConnectAsync()
    {
        var (client, greeting) = await RawSmtpClient.ConnectAsync(_gateway!.SmtpEndpoint);
        Assert.That(greeting, Does.StartWith("220 "));
        return client;
    }

    private void AssertEveryBlockBack() =>
        Assert.That((Pool.Free, Pool.Created), Is.EqualTo((Pool.Created, Pool.Created)), "(free, created) once the client saw the close");
}
