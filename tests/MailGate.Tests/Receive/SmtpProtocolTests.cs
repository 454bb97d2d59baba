using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Tests.Support;

namespace MailGate.Tests.Receive;

/// <summary>
/// Each EHLO keyword and each command, as MailGate decided them (README, "SMTP limits and TLS"), over a
/// raw socket. STARTTLS and AUTH after it are in <see cref="StartTlsTests"/>.
/// </summary>
[TestFixture]
public sealed class SmtpProtocolTests : GatewayTestBase
{
    protected override string[] Settings => ["--Smtp:MaxErrors=3", "--Smtp:AcceptedRecipients:0=alerts@corp.example", "--Smtp:AcceptedRecipients:1=@mailgate.example.com"];

    [Test]
    public async Task Ehlo_AdvertisesExactlyPipelining8BitMimeSmtpUtf8AndSize()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;

        Assert.That(
            await client.CommandAsync("EHLO client.example"),
            Is.EqualTo("250-mailgate Hello client.example\n250-PIPELINING\n250-8BITMIME\n250-SMTPUTF8\n250 SIZE 26214400"));
    }

    [Test]
    public async Task Helo_Gets250WithTheServerName_AndMailWorks()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;

        Assert.That(await client.CommandAsync("HELO client.example"), Is.EqualTo("250 mailgate Hello client.example"));
        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"));
    }

    [Test]
    public async Task Mail_With8BitMimeAndSmtpUtf8_Gets250_AndTheBytesAreStoredAsReceived()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        Assert.That(await client.CommandAsync("EHLO client.example"), Does.Contain("8BITMIME").And.Contain("SMTPUTF8"));
        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com> BODY=8BITMIME SMTPUTF8"), Is.EqualTo("250 Ok"));
        await client.SendRawAsync("RCPT TO:<j\u00fcrgen@mailgate.example.com>\r\n"u8.ToArray());
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo("250 Ok"), "a UTF-8 local part");
        Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"));
        byte[] message = [.. "Subject: caf\u00e9 "u8, 0x83, 0x65, 0x83, 0x58, .. "\r\n\r\nna\u00efve body\r\n"u8];

        await client.SendRawAsync([.. message, .. ".\r\n"u8]);
        var reply = await client.ReadReplyAsync();

        Assert.That(reply, Does.StartWith("250 2.0.0"));
        var stored = Gateway.Spool.Find(Mail.SpoolIdOf(reply))!.Value.Message;
        Assert.That(await File.ReadAllBytesAsync(stored.MessagePath), Is.EqualTo(message));
        Assert.That(stored.Envelope.Mail!.Recipients, Is.EqualTo(new[] { "j\u00fcrgen@mailgate.example.com" }));
    }

    [TestCase("AUTH PLAIN AHVzZXIAcGFzc3dvcmQ=", TestName = "Auth_PlainWithCredentials_Gets503_5_5_1")]
    [TestCase("AUTH LOGIN", TestName = "Auth_Login_Gets503_5_5_1")]
    [TestCase("AUTH CRAM-MD5", TestName = "Auth_CramMd5_Gets503_5_5_1")]
    [TestCase("AUTH", TestName = "Auth_WithoutMechanism_Gets503_5_5_1")]
    public async Task Auth_WithoutTls_IsRefused(string command)
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        Assert.That(await client.CommandAsync("EHLO client.example"), Does.Not.Contain("AUTH"));

        Assert.That(await client.CommandAsync(command), Is.EqualTo("503 5.5.1 Error: authentication not enabled"));
        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"), "the session goes on, not authenticated");
    }

    [TestCase("RCPT TO:<Postmaster>", "Postmaster@mailgate", TestName = "Rcpt_BarePostmaster_Gets250_AndIsRecordedWithTheServerName")]
    [TestCase("RCPT TO:<postmaster>", "postmaster@mailgate", TestName = "Rcpt_BarePostmasterLowerCase_Gets250")]
    [TestCase("RCPT TO:<\"Postmaster\">", "Postmaster@mailgate", TestName = "Rcpt_BareQuotedPostmaster_Gets250")]
    [TestCase("RCPT TO:<postmaster@mailgate>", "postmaster@mailgate", TestName = "Rcpt_PostmasterAtTheServerName_Gets250")]
    [TestCase("RCPT TO:<POSTMASTER@corp.example>", "POSTMASTER@corp.example", TestName = "Rcpt_PostmasterAtTheDomainOfAnAcceptedAddress_Gets250")]
    public async Task Rcpt_Postmaster_Gets250_TheMessageIsSpooledAndDecidedByTheRules(string rcpt, string recorded)
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        await client.BeginMailAsync();

        Assert.That(await client.CommandAsync(rcpt), Is.EqualTo("250 Ok"));
        Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"));
        var reply = await client.EndDataAsync("Subject: for the postmaster\r\n\r\nbody\r\n");

        Assert.That(reply, Does.StartWith("250 2.0.0"));
        var id = Mail.SpoolIdOf(reply);
        Assert.That(Gateway.Spool.Find(id)!.Value.Message.Envelope.Mail!.Recipients, Is.EqualTo(new[] { recorded }));
        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done), "decided by the rules (here: dropped by everything-else)");
    }

    [TestCase("RCPT TO:<postmaster@elsewhere.example>", TestName = "Rcpt_PostmasterAtAnotherDomain_Gets550")]
    [TestCase("RCPT TO:<other@corp.example>", TestName = "Rcpt_OtherAddressAtTheDomainOfAnAcceptedAddress_Gets550")]
    public async Task Rcpt_NotOurs_Gets550(string rcpt)
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        await client.BeginMailAsync();

        Assert.That(await client.CommandAsync(rcpt), Does.StartWith("550 5.1.1"));
    }

    [TestCase("VRFY postmaster", "502 5.5.1 VRFY command is disabled", TestName = "Vrfy_Gets502_5_5_1_AndDoesNotCountAsAnError")]
    [TestCase("EXPN staff", "502 5.5.1 EXPN command is disabled", TestName = "Expn_Gets502_5_5_1_AndDoesNotCountAsAnError")]
    [TestCase("HELP", "502 5.5.1 HELP is not available", TestName = "Help_Gets502_5_5_1_AndDoesNotCountAsAnError")]
    public async Task RefusedWithoutCounting(string command, string expected)
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;

        // More of them than Smtp:MaxErrors (3): the session stays open.
        for (var i = 0; i < 5; i++)
        {
            Assert.That(await client.CommandAsync(command), Is.EqualTo(expected));
        }

        Assert.That(await client.CommandAsync("NOOP"), Is.EqualTo("250 Ok"));
    }

    [Test]
    public async Task Bdat_NotAdvertised_Gets502UnrecognizedAndCountsAsAnError()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;

        Assert.That(await client.CommandAsync("BDAT 4 LAST"), Is.EqualTo("502 Unrecognized command, 2 retry(ies) remaining."));
    }

    [Test]
    public async Task NoopRsetQuit_Get250_250_221AndClose()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        await client.BeginMailAsync();

        Assert.That(await client.CommandAsync("NOOP"), Is.EqualTo("250 Ok"));
        Assert.That(await client.CommandAsync("RSET"), Is.EqualTo("250 Ok"));
        Assert.That(await client.CommandAsync("RCPT TO:<a@mailgate.example.com>"), Does.StartWith("501 expected "), "RSET ended the transaction (SmtpServer answers commands out of order with 501)");
        await client.SendRawAsync("QUIT\r\n"u8.ToArray());
        Assert.That(await client.ReadUntilClosedAsync(), Is.EqualTo(new[] { "221 bye" }));
    }
}
