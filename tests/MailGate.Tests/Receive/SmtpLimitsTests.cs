using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Text;
using MailGate.Tests.Support;

namespace MailGate.Tests.Receive;

/// <summary>
/// The size and recipient limits answer, at once and exactly at the advertised value, and an excess
/// never costs the part of the transaction that was within the limit.
/// </summary>
[TestFixture]
public sealed class SmtpLimitsTests : GatewayTestBase
{
    private const int Limit = 65_536;

    protected override string[] Settings => [$"--Smtp:MaxMessageSize={Limit}", "--Smtp:MaxHeaderSize=8192"];

    [TestCase(-1, TestName = "Data_OneByteBelowTheAdvertisedSize_Gets250")]
    [TestCase(0, TestName = "Data_ExactlyTheAdvertisedSize_Gets250")]
    public async Task Data_UpToTheAdvertisedSize_Gets250_AndIsStoredWhole(int overLimit)
    {
        var message = RawSmtpDialog.MessageOfSize(Limit + overLimit);
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        Assert.That(await client.CommandAsync("EHLO test.example"), Does.Contain($"250 SIZE {Limit}"));
        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync($"RCPT TO:<{RawSmtpDialog.Recipient}>"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"));

        var reply = await client.EndDataAsync(message);

        Assert.That(reply, Does.StartWith("250 2.0.0"));
        var stored = Gateway.Spool.Find(Mail.SpoolIdOf(reply))!.Value.Message;
        Assert.That(new FileInfo(stored.MessagePath).Length, Is.EqualTo(Limit + overLimit));
    }

    [TestCase(1, TestName = "Data_OneByteOverTheAdvertisedSize_Gets552_5_3_4AtItsEnd")]
    [TestCase(2400, TestName = "Data_2400BytesOverTheAdvertisedSize_Gets552_5_3_4AtItsEnd")]
    [TestCase(4 * Limit, TestName = "Data_FiveTimesTheAdvertisedSize_Gets552_5_3_4AtItsEnd")]
    public async Task Data_OverTheAdvertisedSize_Gets552AtItsEnd_NothingIsStored_AndTheSessionGoesOn(int overLimit)
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        await client.BeginDataAsync();

        // The client sends the whole message and then waits: the reply must come without more input.
        Assert.That(await client.EndDataAsync(RawSmtpDialog.MessageOfSize(Limit + overLimit)), Is.EqualTo("552 5.3.4 Message size exceeds fixed limit"));
        Assert.That(Gateway.Spool.List(SpoolArea.Active).Concat(Gateway.Spool.List(SpoolArea.Done)), Is.Empty);
        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"), "the session goes on");
        Assert.That(await client.CommandAsync($"RCPT TO:<{RawSmtpDialog.Recipient}>"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"));
        Assert.That(await client.EndDataAsync(RawSmtpDialog.MessageOfSize(Limit)), Does.StartWith("250 2.0.0"));
    }

    [Test]
    public async Task Data_DotStuffedLines_DoNotCountTowardTheSize()
    {
        // Lines starting with a dot are sent with a second one: more bytes on the wire than in the message.
        var line = "." + new string('x', 97) + "\r\n";
        var message = new StringBuilder("Subject: dots\r\n\r\n");
        while (message.Length + line.Length <= Limit)
        {
            message.Append(line);
        }

        message.Append(new string('y', Limit - message.Length - 2)).Append("\r\n");
        var stuffed = message.ToString().Replace("\r\n.", "\r\n..", StringComparison.Ordinal);
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        await client.BeginDataAsync();

        var reply = await client.EndDataAsync(stuffed);

        Assert.That(reply, Does.StartWith("250 2.0.0"));
        Assert.That(new FileInfo(Gateway.Spool.Find(Mail.SpoolIdOf(reply))!.Value.Message.MessagePath).Length, Is.EqualTo(Limit));
    }

    [Test]
    public async Task Data_LinesStartingWithDots_AreStoredWithoutTheirTransparencyDots_TheFirstLineToo()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        await client.BeginDataAsync();

        var reply = await client.EndDataAsync("..X-Dotted: first line\r\nSubject: dots\r\n\r\n..\r\n...\r\n..x\r\n.y\r\n");

        Assert.That(reply, Does.StartWith("250 2.0.0"));
        var stored = Gateway.Spool.Find(Mail.SpoolIdOf(reply))!.Value.Message;
        Assert.That(
            Encoding.Latin1.GetString(await File.ReadAllBytesAsync(stored.MessagePath)),
            Is.EqualTo(".X-Dotted: first line\r\nSubject: dots\r\n\r\n.\r\n..\r\n.x\r\n.y\r\n"),
            "RFC 5321 §4.5.2: the first dot of a line starting with two is transparency (a line '.y' was never stuffed and keeps its dot)");
    }

    [Test]
    public async Task Data_EmptyMessage_Gets554_5_6_0AtOnce()
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        await client.BeginDataAsync();

        Assert.That(await client.EndDataAsync(""), Is.EqualTo("554 5.6.0 Empty message"));
        Assert.That(await client.CommandAsync("NOOP"), Does.StartWith("250"));
    }

    [TestCase("SIZE=65536", "250", TestName = "MailFrom_SizeEqualToTheLimit_Gets250")]
    [TestCase("SIZE=000000000000065536", "250", TestName = "MailFrom_SizeWithLeadingZeros_Gets250")]
    [TestCase("SIZE=65537", "552 5.3.4 Message size exceeds fixed limit", TestName = "MailFrom_SizeOneOverTheLimit_Gets552_5_3_4")]
    [TestCase("SIZE=99999999999999999999", "552 5.3.4 Message size exceeds fixed limit", TestName = "MailFrom_SizeOverflowingEveryIntegerType_Gets552_5_3_4")]
    [TestCase("SIZE=4294967297", "552 5.3.4 Message size exceeds fixed limit", TestName = "MailFrom_SizeOverflowing32Bits_Gets552_5_3_4")]
    [TestCase("SIZE=123456789012345678901", "501 5.5.4 Bad message size syntax", TestName = "MailFrom_SizeOfMoreThan20Digits_Gets501_5_5_4")]
    [TestCase("SIZE=abc", "501 5.5.4 Bad message size syntax", TestName = "MailFrom_SizeNotANumber_Gets501_5_5_4")]
    [TestCase("SIZE=-1", "501 5.5.4 Bad message size syntax", TestName = "MailFrom_SizeNegative_Gets501_5_5_4")]
    [TestCase("SIZE=", "501 5.5.4 Syntax error in MAIL FROM parameters", TestName = "MailFrom_SizeEmpty_Gets501_5_5_4")]
    [TestCase("SIZE=\u00ef\u00bc\u0091", "501 5.5.4 Syntax error in MAIL FROM parameters", TestName = "MailFrom_SizeOfAFullWidthDigit_Gets501_5_5_4")]
    [TestCase("SIZE=65537 X=a=b", "501 5.5.4 Syntax error in MAIL FROM parameters", TestName = "MailFrom_SizeOverTheLimitBesideAMalformedParameter_Gets501_5_5_4")]
    [TestCase("SIZE=100 SIZE=200", "501 5.5.4 Syntax error in MAIL FROM parameters", TestName = "MailFrom_SizeTwice_Gets501_5_5_4")]
    [TestCase("BODY=8BITMIME body=7BIT", "501 5.5.4 Syntax error in MAIL FROM parameters", TestName = "MailFrom_AParameterTwice_Gets501_5_5_4")]
    public async Task MailFrom_SizeParameter(string parameter, string expected)
    {
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        Assert.That(await client.CommandAsync("EHLO test.example"), Does.StartWith("250"));

        Assert.That(await client.CommandAsync($"MAIL FROM:<sender@example.com> {parameter}"), Does.StartWith(expected));
        Assert.That(await client.CommandAsync("NOOP"), Is.EqualTo("250 Ok"), "the session goes on");
    }

    [Test]
    public async Task Rcpt_1000PipelinedWithMaxRecipients100_100Get250And900Get452_WithoutClosing_AndTheMessageIsDeliveredTo100()
    {
        // The defaults: Smtp:MaxRecipients=100, Smtp:MaxErrors=20.
        var client = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = client;
        Assert.That(await client.CommandAsync("EHLO test.example"), Does.Contain("PIPELINING"));

        var batch = new StringBuilder("MAIL FROM:<sender@example.com>\r\n");
        for (var i = 0; i < 1000; i++)
        {
            batch.Append("RCPT TO:<r").Append(i).Append("@mailgate.example.com>\r\n");
        }

        await client.SendRawAsync(Encoding.ASCII.GetBytes(batch.Append("DATA\r\n").ToString()));
        var replies = new List<string>();
        for (var i = 0; i < 1002; i++)
        {
            replies.Add(await client.ReadReplyAsync());
        }

        Assert.That(replies[0], Does.StartWith("250"));
        Assert.That(replies.Skip(1).Take(100), Has.All.StartWith("250"));
        Assert.That(replies.Skip(101).Take(900), Has.All.EqualTo("452 4.5.3 Too many recipients"));
        Assert.That(replies[1001], Does.StartWith("354"));
        var reply = await client.EndDataAsync("Subject: to many\r\n\r\nbody\r\n");
        Assert.That(reply, Does.StartWith("250 2.0.0"));
        Assert.That(Gateway.Spool.Find(Mail.SpoolIdOf(reply))!.Value.Message.Envelope.Mail!.Recipients, Has.Count.EqualTo(100));
    }
}
