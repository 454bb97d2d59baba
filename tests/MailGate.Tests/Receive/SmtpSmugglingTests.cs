using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Text;
using MailGate.Spool;
using MailGate.Tests.Support;

namespace MailGate.Tests.Receive;

/// <summary>
/// SMTP smuggling (CVE-2023-51764/51765/51766): only CRLF.CRLF ends DATA, a message carrying any other
/// end-of-data look-alike gets one reply (554 5.6.0 for its bare CR or LF) and never a second
/// transaction; valid pipelining still works.
/// </summary>
[TestFixture]
public sealed class SmtpSmugglingTests : GatewayTestBase
{
    private const string Rcpt = "RCPT TO:<aws-abuse@mailgate.example.com>";
    private const string Smuggled = "MAIL FROM:<ceo@victim.example>\r\n" + Rcpt + "\r\nDATA\r\nSubject: smuggled\r\n\r\nforged\r\n";

    [TestCase("\n.\n", TestName = "Smuggling_LfDotLf_Gets554_5_6_0Once_NoSecondTransaction")]
    [TestCase("\n.\r\n", TestName = "Smuggling_LfDotCrLf_Gets554_5_6_0Once_NoSecondTransaction")]
    [TestCase("\r\n.\n", TestName = "Smuggling_CrLfDotLf_Gets554_5_6_0Once_NoSecondTransaction")]
    [TestCase("\r.\r", TestName = "Smuggling_CrDotCr_Gets554_5_6_0Once_NoSecondTransaction")]
    [TestCase("\r.\r\n", TestName = "Smuggling_CrDotCrLf_Gets554_5_6_0Once_NoSecondTransaction")]
    [TestCase("\r\n.\r", TestName = "Smuggling_CrLfDotCr_Gets554_5_6_0Once_NoSecondTransaction")]
    public async Task Smuggling(string fakeEnd)
    {
        var client = await StartDataAsync();
        await using var _ = client;

        await client.SendRawAsync(Encoding.ASCII.GetBytes("Subject: real\r\n\r\nbody" + fakeEnd + Smuggled + ".\r\n"));

        Assert.That(await client.ReadReplyAsync(), Is.EqualTo("554 5.6.0 Bare CR or LF in message data; lines must end with CRLF"));
        // The next reply belongs to the next command: nothing smuggled was answered in between.
        Assert.That(await client.CommandAsync("EHLO again.example"), Does.StartWith("250-mailgate Hello again.example"));
        Assert.That(Stored(), Is.Empty, "nothing was stored, smuggled or not");

        var sameSession = await SendMessageAsync(client, "Subject: proper\r\n\r\nbody\r\n");
        Assert.That(sameSession, Does.StartWith("250 2.0.0"), "a proper message right after, same session");
        var (next, __) = await RawSmtpClient.ConnectAsync(Gateway.SmtpEndpoint);
        string newSession;
        await using (next)
        {
            Assert.That(await next.CommandAsync("EHLO next.example"), Does.StartWith("250"));
            newSession = await SendMessageAsync(next, "Subject: proper\r\n\r\nbody\r\n");
            Assert.That(newSession, Does.StartWith("250 2.0.0"), "and in a new session");
        }

        // Once both are processed (the test rules drop them) the spool holds exactly those two.
        await Gateway.WaitFinishedAsync(Mail.SpoolIdOf(sameSession));
        await Gateway.WaitFinishedAsync(Mail.SpoolIdOf(newSession));
        Assert.That(Stored().Select(m => m.Id).Order(), Is.EqualTo(new[] { Mail.SpoolIdOf(sameSession), Mail.SpoolIdOf(newSession) }.Order()));
    }

    [Test]
    public async Task CommandsPipelinedAfterTheFinalDot_AreAnsweredInOrder_AsTheirOwnTransaction()
    {
        var client = await StartDataAsync();
        await using var _ = client;

        await client.SendRawAsync(Encoding.ASCII.GetBytes("Subject: first\r\n\r\nbody\r\n.\r\nMAIL FROM:<second@example.com>\r\n" + Rcpt + "\r\nDATA\r\n"));

        var first = await client.ReadReplyAsync();
        Assert.That(first, Does.StartWith("250 2.0.0 Ok: queued as "));
        Assert.That(await client.ReadReplyAsync(), Does.StartWith("250"));
        Assert.That(await client.ReadReplyAsync(), Does.StartWith("250"));
        Assert.That(await client.ReadReplyAsync(), Does.StartWith("354"));
        await client.SendRawAsync("Subject: second\r\n\r\nbody\r\n.\r\nQUIT\r\n"u8.ToArray());
        var second = await client.ReadReplyAsync();
        Assert.That(second, Does.StartWith("250 2.0.0 Ok: queued as "));
        Assert.That(await client.ReadReplyAsync(), Does.StartWith("221"));
        Assert.That(Gateway.Spool.Find(Mail.SpoolIdOf(first))!.Value.Message.Envelope.Mail!.MailFrom, Is.EqualTo("sender@example.com"));
        Assert.That(Gateway.Spool.Find(Mail.SpoolIdOf(second))!.Value.Message.Envelope.Mail!.MailFrom, Is.EqualTo("second@example.com"));
    }

    [Test]
    public async Task MailRcptDataPipelinedInOneWrite_Rfc2920_AreAnsweredInOrder()
    {
        var (client, _) = await RawSmtpClient.ConnectAsync(Gateway.SmtpEndpoint);
        await using var __ = client;
        Assert.That(await client.CommandAsync("EHLO test.example"), Does.Contain("PIPELINING"));

        await client.SendRawAsync(Encoding.ASCII.GetBytes("MAIL FROM:<p@example.com>\r\n" + Rcpt + "\r\nRCPT TO:<nobody@elsewhere.example>\r\nDATA\r\n"));

        Assert.That(await client.ReadReplyAsync(), Does.StartWith("250"));
        Assert.That(await client.ReadReplyAsync(), Does.StartWith("250"));
        Assert.That(await client.ReadReplyAsync(), Does.StartWith("550 5.1.1"));
        Assert.That(await client.ReadReplyAsync(), Does.StartWith("354"));
        await client.SendRawAsync("Subject: pipelined\r\n\r\nbody\r\n.\r\n"u8.ToArray());
        Assert.That(await client.ReadReplyAsync(), Does.StartWith("250 2.0.0"));
    }

    [Test]
    public async Task SmuggledMessageFollowedByPipelinedCommands_GetsOne554_ThenTheCommandsReplies()
    {
        var client = await StartDataAsync();
        await using var _ = client;

        await client.SendRawAsync(Encoding.ASCII.GetBytes("Subject: x\r\n\r\nbody\n.\n" + Smuggled + ".\r\nRSET\r\nNOOP\r\n"));

        Assert.That(await client.ReadReplyAsync(), Does.StartWith("554 5.6.0"));
        Assert.That(await client.ReadReplyAsync(), Does.StartWith("250"));
        Assert.That(await client.ReadReplyAsync(), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("EHLO again.example"), Does.StartWith("250-mailgate Hello again.example"));
        Assert.That(Stored(), Is.Empty);
    }

    private List<SpooledMessage> Stored() =>
        [.. Gateway.Spool.List(SpoolArea.Active), .. Gateway.Spool.List(SpoolArea.Done)];

    private async Task<RawSmtpClient> StartDataAsync()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await client.BeginDataAsync();
        return client;
    }

    private static async Task<string> SendMessageAsync(RawSmtpClient client, string data)
    {
        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync(Rcpt), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"));
        await client.SendRawAsync(Encoding.ASCII.GetBytes(data + ".\r\n"));
        return await client.ReadReplyAsync();
    }
}
