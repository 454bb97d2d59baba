using System.Net.Sockets;
using MailGate.Receive;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Reliability;

/// <summary>Stopping lets a message in DATA finish, refuses new connections, and closes idle sessions.</summary>
[TestFixture]
public sealed class DrainTests
{
    [Test]
    public async Task Stop_DuringData_TheMessageFinishesWith250_NewConnectionsAreRefused()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, "--Smtp:ShutdownGrace=00:00:10");
        var endpoint = gateway.SmtpEndpoint;
        var (idle, _) = await RawSmtpClient.ConnectAsync(endpoint);
        await using var idleClient = idle;
        var (sending, _) = await RawSmtpClient.ConnectAsync(endpoint);
        await using var sendingClient = sending;
        await sending.CommandAsync("EHLO test.example");
        await sending.CommandAsync("MAIL FROM:<a@example.com>");
        await sending.CommandAsync("RCPT TO:<aws-abuse@mailgate.example.com>");
        Assert.That(await sending.CommandAsync("DATA"), Does.StartWith("354"));
        await sending.SendRawAsync("Subject: in flight\r\n\r\nfirst half\r\n"u8.ToArray());

        var listener = gateway.Services.GetRequiredService<SmtpListenerEndpoint>();
        var stopping = gateway.StopAsync();
        await listener.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        using (var probe = new TcpClient())
        {
            Assert.That(async () => await probe.ConnectAsync(endpoint), Throws.InstanceOf<SocketException>(), "new connections are refused");
        }

        Assert.That(stopping.IsCompleted, Is.False, "the stop waits for the message in DATA");

        await sending.SendRawAsync("second half\r\n.\r\n"u8.ToArray());
        Assert.That(await sending.ReadReplyAsync(), Does.StartWith("250 2.0.0 Ok: queued as"));
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(await idle.ReadReplyAsync(), Does.StartWith("221").Or.EqualTo("(connection closed)"), "idle sessions are closed");
    }
}
