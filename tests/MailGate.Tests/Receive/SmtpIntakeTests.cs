using MailGate.Core.Storage;
using System.Text;
using MailGate.Tests.Support;

namespace MailGate.Tests.Receive;

/// <summary>SMTP replies for what a real client library would never send, over a raw socket.</summary>
[TestFixture]
public sealed class SmtpIntakeTests : GatewayTestBase
{
    protected override string[] Settings => ["--Smtp:MaxMessageSize=65536", "--Smtp:MaxHeaderSize=8192"];

    [Test]
    public async Task Greeting_NamesTheServer_AndNotTheLibraryVersion()
    {
        var (client, greeting) = await RawSmtpClient.ConnectAsync(Gateway.SmtpEndpoint);
        await using var _ = client;

        Assert.That(greeting, Is.EqualTo("220 mailgate ESMTP ready"));
        Assert.That(await client.CommandAsync("EHLO test.example"), Does.Contain("SIZE 65536"));
    }

    [Test]
    public async Task DataLargerThanMaxMessageSize_Gets552()
    {
        var client = await StartDataAsync();
        await using var _ = client;

        var line = new string('x', 998) + "\r\n";
        var body = new StringBuilder("Subject: big\r\n\r\n");
        while (body.Length < 70_000)
        {
            body.Append(line);
        }

        await client.SendRawAsync(Encoding.ASCII.GetBytes(body + ".\r\n"));

        Assert.That(await client.ReadReplyAsync(), Does.StartWith("552"));
    }

    [Test]
    public async Task MailFromWithSizeOverLimit_Gets552()
    {
        var (client, _) = await RawSmtpClient.ConnectAsync(Gateway.SmtpEndpoint);
        await using var __ = client;
        await client.CommandAsync("EHLO test.example");

        Assert.That(await client.CommandAsync("MAIL FROM:<a@example.com> SIZE=100000"), Does.StartWith("552"));
    }

    [TestCase("Subject: x\r\n\r\nline one\nline two\r\n", TestName = "BareLf_InBody_Gets554")]
    [TestCase("Subject: x\r\n\r\nline one\rline two\r\n", TestName = "BareCr_InBody_Gets554")]
    [TestCase("Subject: x\nFrom: a@example.com\r\n\r\nbody\r\n", TestName = "BareLf_InHeader_Gets554")]
    [TestCase("Subject: x\r\n\r\nbody\n.\nMAIL FROM:<evil@example.com>\r\n", TestName = "SmugglingAttempt_LfDotLf_Gets554AndIsOneMessage")]
    public async Task BareLineEnds_AreRefusedWith554(string data)
    {
        var client = await StartDataAsync();
        await using var _ = client;

        await client.SendRawAsync(Encoding.ASCII.GetBytes(data + ".\r\n"));

        Assert.That(await client.ReadReplyAsync(), Does.StartWith("554 5.6.0"));
        Assert.That(Gateway.Spool.List(SpoolArea.Active), Is.Empty);
        Assert.That(Gateway.Spool.List(SpoolArea.Done), Is.Empty);
    }

    [Test]
    public async Task HeaderSectionLargerThanLimit_Gets552_5_3_4()
    {
        var client = await StartDataAsync();
        await using var _ = client;

        var headers = new StringBuilder();
        for (var i = 0; headers.Length < 10_000; i++)
        {
            headers.Append("X-Filler-").Append(i).Append(": ").Append(new string('y', 60)).Append("\r\n");
        }

        await client.SendRawAsync(Encoding.ASCII.GetBytes(headers + "\r\nbody\r\n.\r\n"));

        Assert.That(await client.ReadReplyAsync(), Does.StartWith("552 5.3.4"));
    }

    [Test]
    public async Task SpoolCannotBeWritten_Gets451_AndTheSessionGoesOn()
    {
        var incoming = Path.Combine(Gateway.SpoolPath, "incoming");
        Directory.Delete(incoming, recursive: true);
        await File.WriteAllTextAsync(incoming, "a file where the spool expects a folder");
        var client = await StartDataAsync();
        await using var _ = client;

        await client.SendRawAsync("Subject: x\r\n\r\nbody\r\n.\r\n"u8.ToArray());

        Assert.That(await client.ReadReplyAsync(), Does.StartWith("451 4.3.0"));
        Assert.That(await client.CommandAsync("NOOP"), Does.StartWith("250"));
    }

    [Test]
    public async Task ValidMessage_Gets250WithItsSpoolId_OnlyAfterItIsInTheActiveOrDoneSpool()
    {
        var client = await StartDataAsync();
        await using var _ = client;

        await client.SendRawAsync("Subject: hello\r\n\r\nbody\r\n.\r\n"u8.ToArray());
        var reply = await client.ReadReplyAsync();

        Assert.That(reply, Does.StartWith("250 2.0.0 Ok: queued as "));
        var id = Mail.SpoolIdOf(reply);
        Assert.That(Gateway.Spool.Find(id), Is.Not.Null, "the message is on disk when the 250 arrives");
    }

    private async Task<RawSmtpClient> StartDataAsync()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await client.BeginDataAsync();
        return client;
    }
}
