using System.Net;
using MailGate.Receive;
using MailGate.Tests.Support;

namespace MailGate.Tests.Receive;

/// <summary>Connection limits and the client allow-list, enforced before SmtpServer greets anyone.</summary>
[TestFixture]
public sealed class ConnectionLimitTests
{
    private static readonly IPAddress OtherClient = IPAddress.Parse("127.0.0.2");

    private FakePagerDuty _pagerDuty = null!;
    private readonly List<RawSmtpClient> _clients = [];

    [SetUp]
    public async Task SetUp() => _pagerDuty = await FakePagerDuty.StartAsync();

    [TearDown]
    public async Task TearDown()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
        await _pagerDuty.DisposeAsync();
    }

    [Test]
    public async Task Connect_BeyondMaxConnections_Gets421AndIsClosed_AndASlotFreesWhenASessionEnds()
    {
        await using var gateway = await GatewayHarness.StartAsync(_pagerDuty, GatewayHarness.DefaultRules, "--Smtp:MaxConnections=2", "--Smtp:MaxConnectionsPerClient=2");

        Assert.That(await ConnectAsync(gateway), Does.StartWith("220 "));
        Assert.That(await ConnectAsync(gateway), Does.StartWith("220 "));
        var (refused, reply) = await RawSmtpClient.ConnectAsync(gateway.SmtpEndpoint, OtherClient);
        await using (refused)
        {
            Assert.That(reply, Is.EqualTo(GatedListener.TooManyConnections));
            Assert.That(await refused.ReadReplyAsync(), Is.EqualTo(RawSmtpClient.Closed));
        }

        await _clients[0].QuitAsync();

        Assert.That(await ConnectAsync(gateway, OtherClient), Does.StartWith("220 "));
        Assert.That(await _clients[^1].CommandAsync("EHLO other.example"), Does.StartWith("250"));
    }

    [Test]
    public async Task Connect_BeyondMaxConnectionsPerClient_Gets421ForThatClient_OthersAreServed()
    {
        await using var gateway = await GatewayHarness.StartAsync(_pagerDuty, GatewayHarness.DefaultRules, "--Smtp:MaxConnections=10", "--Smtp:MaxConnectionsPerClient=2");

        Assert.That(await ConnectAsync(gateway), Does.StartWith("220 "));
        Assert.That(await ConnectAsync(gateway), Does.StartWith("220 "));
        Assert.That(await ConnectAsync(gateway), Is.EqualTo(GatedListener.TooManyConnections));
        Assert.That(await _clients[^1].ReadReplyAsync(), Is.EqualTo(RawSmtpClient.Closed));
        Assert.That(await ConnectAsync(gateway, OtherClient), Does.StartWith("220 "));

        await _clients[1].QuitAsync();

        Assert.That(await ConnectAsync(gateway), Does.StartWith("220 "));
    }

    [Test]
    public async Task Connect_FromOutsideAllowedClients_Gets554AndIsClosed_AllowedClientIsServed()
    {
        await using var gateway = await GatewayHarness.StartAsync(_pagerDuty, GatewayHarness.DefaultRules, "--Smtp:AllowedClients:0=127.0.0.2/32", "--Smtp:AllowedClients:1=192.0.2.0/24");

        Assert.That(await ConnectAsync(gateway), Is.EqualTo(GatedListener.AccessDenied));
        Assert.That(await _clients[^1].ReadReplyAsync(), Is.EqualTo(RawSmtpClient.Closed));
        Assert.That(await ConnectAsync(gateway, OtherClient), Does.StartWith("220 "));
        Assert.That(await _clients[^1].CommandAsync("EHLO allowed.example"), Does.StartWith("250"));
    }

    [Test]
    public async Task RefusedConnections_DoNotHoldSlots_NorCountAsSessions()
    {
        await using var gateway = await GatewayHarness.StartAsync(_pagerDuty, GatewayHarness.DefaultRules, "--Smtp:MaxConnections=1", "--Smtp:MaxConnectionsPerClient=1");
        Assert.That(await ConnectAsync(gateway), Does.StartWith("220 "));
        for (var i = 0; i < 20; i++)
        {
            Assert.That(await ConnectAsync(gateway), Is.EqualTo(GatedListener.TooManyConnections));
        }

        await _clients[0].QuitAsync();

        Assert.That(await ConnectAsync(gateway), Does.StartWith("220 "));
        Assert.That(gateway.Services.GetService(typeof(ClientGate)) is ClientGate { Open: 1 });
    }

    private async Task<string> ConnectAsync(GatewayHarness gateway, IPAddress? from = null)
    {
        var (client, greeting) = await RawSmtpClient.ConnectAsync(gateway.SmtpEndpoint, from);
        _clients.Add(client);
        return greeting;
    }
}
