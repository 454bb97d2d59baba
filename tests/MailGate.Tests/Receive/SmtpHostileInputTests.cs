using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Text;
using MailGate.Receive;
using MailGate.Tests.Support;

namespace MailGate.Tests.Receive;

/// <summary>
/// Limits and garbage over a raw socket: each gets a clean reply or a clean close, never a crash or a
/// hang, and the gateway serves the next client afterwards.
/// </summary>
[TestFixture]
public sealed class SmtpHostileInputTests
{
    private const string Rcpt = "RCPT TO:<aws-abuse@mailgate.example.com>";

    private FakePagerDuty _pagerDuty = null!;
    private GatewayHarness? _gateway;

    [SetUp]
    public async Task SetUp() => _pagerDuty = await FakePagerDuty.StartAsync();

    [TearDown]
    public async Task TearDown()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
            _gateway = null;
        }

        await _pagerDuty.DisposeAsync();
    }

    [Test]
    public async Task Rcpt_BeyondMaxRecipients_Gets452_5_4_3_TheMessageKeepsTheFirstOnes_AndMailStartsAFreshCount()
    {
        var client = await ConnectAsync("--Smtp:MaxRecipients=3", "--Smtp:AcceptedRecipients:0=@mailgate.example.com");
        await using var _ = client;
        Assert.That(await client.CommandAsync("EHLO test.example"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"));
        for (var i = 1; i <= 3; i++)
        {
            Assert.That(await client.CommandAsync($"RCPT TO:<r{i}@mailgate.example.com>"), Does.StartWith("250"));
        }

        Assert.That(await client.CommandAsync("RCPT TO:<r4@mailgate.example.com>"), Does.StartWith("452 4.5.3 Too many recipients"));
        Assert.That(await client.CommandAsync("RCPT TO:<r5@mailgate.example.com>"), Does.StartWith("452 4.5.3 Too many recipients"));
        Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"));
        await client.SendRawAsync("Subject: many\r\n\r\nbody\r\n.\r\n"u8.ToArray());
        var reply = await client.ReadReplyAsync();
        Assert.That(reply, Does.StartWith("250 2.0.0"));
        Assert.That(_gateway!.Spool.Find(Mail.SpoolIdOf(reply))!.Value.Message.Envelope.Mail!.Recipients, Has.Count.EqualTo(3));

        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"));
        for (var i = 1; i <= 3; i++)
        {
            Assert.That(await client.CommandAsync($"RCPT TO:<s{i}@mailgate.example.com>"), Does.StartWith("250"), "after the next MAIL FROM");
        }

        Assert.That(await client.CommandAsync("RSET"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("RCPT TO:<t1@mailgate.example.com>"), Does.StartWith("250"), "after RSET");
    }

    [Test]
    public async Task BadCommands_UpToMaxErrors_EachGet502WithRetriesLeft_ThenTheConnectionCloses_AndSuccessResetsTheCount()
    {
        var client = await ConnectAsync("--Smtp:MaxErrors=3");
        await using var _ = client;

        Assert.That(await client.CommandAsync("BOGUS 1"), Is.EqualTo("502 Unrecognized command, 2 retry(ies) remaining."));
        Assert.That(await client.CommandAsync("NOOP"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("BOGUS 1"), Is.EqualTo("502 Unrecognized command, 2 retry(ies) remaining."), "a success resets the count");
        Assert.That(await client.CommandAsync("BOGUS 2"), Is.EqualTo("502 Unrecognized command, 1 retry(ies) remaining."));
        Assert.That(await client.CommandAsync("BOGUS 3"), Is.EqualTo("502 Unrecognized command, 0 retry(ies) remaining."));
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo(RawSmtpClient.Closed));
        await AssertServesNextClientAsync();
    }

    [TestCase(new byte[] { 0, 0, 0, 0, 13, 10 }, TestName = "NulBytes_AsACommand_Get502_AndTheSessionGoesOn")]
    [TestCase(new byte[] { 0xff, 0xfe, 0x80, 0x01, 0x1b, 0x5b, 0x41, 13, 10 }, TestName = "BinaryJunk_AsACommand_Gets502_AndTheSessionGoesOn")]
    [TestCase(new byte[] { 0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 13, 10 }, TestName = "TlsClientHelloBytesEndingInCrLf_OnThePlainPort_Get502_AndTheSessionGoesOn")]
    [TestCase(new byte[] { (byte)'M', (byte)'A', (byte)'I', (byte)'L', 0, (byte)'F', 13, 10 }, TestName = "NulInsideACommand_Gets502_AndTheSessionGoesOn")]
    public async Task Junk_AsACommand(byte[] junk)
    {
        var client = await ConnectAsync();
        await using var _ = client;

        await client.SendRawAsync(junk);

        Assert.That(await client.ReadReplyAsync(), Does.StartWith("502 "));
        Assert.That(await client.CommandAsync("EHLO test.example"), Does.StartWith("250"));
        await AssertServesNextClientAsync();
    }

    [Test]
    public async Task CommandLine_OfOneMegabyteWithoutCrLf_Gets500_5_5_0AndIsClosed()
    {
        var client = await ConnectAsync();
        await using var _ = client;

        var sent = await client.TrySendRawAsync(Encoding.ASCII.GetBytes("EHLO " + new string('a', 1024 * 1024)));

        // The server closes with bytes of ours unread, so the kernel may answer with a reset that
        // overtakes the reply: the close is what must happen, the reply is seen when it survives.
        var replies = await client.ReadUntilClosedAsync();
        Assert.That(replies, Is.EqualTo(new[] { "500 5.5.0 Line too long" }).Or.Empty, $"sent whole: {sent}");
        await AssertServesNextClientAsync();
    }

    [Test]
    public async Task CommandLine_JustOverTheLimitThenWaiting_Gets500_5_5_0AtOnce_AndIsClosed()
    {
        var client = await ConnectAsync();
        await using var _ = client;

        // One byte over: the server has read all of it when it answers, so the close is clean.
        await client.SendRawAsync(Encoding.ASCII.GetBytes("EHLO " + new string('a', CommandScreen.MaxLineLength + 1 - "EHLO ".Length)));

        Assert.That(await client.ReadUntilClosedAsync(), Is.EqualTo(new[] { "500 5.5.0 Line too long" }));
    }

    [Test]
    public async Task HeaderSection_OfTenThousandLines_Gets552_5_3_4_AndTheSessionGoesOn()
    {
        var client = await StartDataAsync();
        await using var _ = client;
        var headers = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            headers.Append("X-Filler-").Append(i).Append(": ").Append(new string('y', 30)).Append("\r\n");
        }

        await client.SendRawAsync(Encoding.ASCII.GetBytes(headers + "Subject: x\r\n\r\nbody\r\n.\r\n"));

        Assert.That(await client.ReadReplyAsync(), Is.EqualTo("552 5.3.4 Message header section too large"));
        Assert.That(await client.CommandAsync("NOOP"), Does.StartWith("250"));
        await AssertServesNextClientAsync();
    }

    [Test]
    public async Task HeaderSection_Of300KiBWithMaxHeaderSize512KiB_Gets250_AndIsParsedAndDecided_NotDeadLettered()
    {
        // The parser honours Smtp:MaxHeaderSize too: before, it kept a fixed 256 KiB and such a message,
        // once answered 250, went to dead/ unparsed.
        var client = await ConnectAsync("--Smtp:MaxHeaderSize=524288");
        await using var _ = client;
        await client.BeginDataAsync();
        var headers = new StringBuilder();
        for (var i = 0; headers.Length < 300 * 1024; i++)
        {
            headers.Append("X-Filler-").Append(i).Append(": ").Append(new string('y', 60)).Append("\r\n");
        }

        var reply = await client.EndDataAsync(headers + "Subject: big header\r\n\r\nbody\r\n");

        Assert.That(reply, Does.StartWith("250 2.0.0"));
        Assert.That(await _gateway!.WaitFinishedAsync(Mail.SpoolIdOf(reply)), Is.EqualTo(SpoolArea.Done));
    }

    /// <summary>
    /// Mail that could never be parsed is refused at once, not answered 250 and then dead-lettered at
    /// Error: otherwise anyone could fill <c>dead/</c> and the error log at will.
    /// </summary>
    [TestCase("\r\n", TestName = "Data_OnlyAnEmptyLine_Gets554_5_6_0")]
    [TestCase("just some text\r\nmore text\r\n", TestName = "Data_TextWithoutHeaders_Gets554_5_6_0")]
    [TestCase("..first\r\n.second\r\n", TestName = "Data_DottedLinesWithoutHeaders_Gets554_5_6_0")]
    [TestCase(": no name\r\n\r\nbody\r\n", TestName = "Data_HeaderWithoutName_Gets554_5_6_0")]
    [TestCase("Sub ject: x\r\n\r\nbody\r\n", TestName = "Data_HeaderNameWithASpace_Gets554_5_6_0")]
    public async Task Data_WithoutAHeaderSection_IsRefusedAtOnce_AndTheSessionGoesOn(string data)
    {
        var client = await StartDataAsync();
        await using var _ = client;

        await client.SendRawAsync(Encoding.ASCII.GetBytes(data + ".\r\n"));
        var reply = await client.ReadReplyAsync();

        Assert.That(reply, Is.EqualTo("554 5.6.0 Message has no header section"));
        Assert.That(await client.CommandAsync("NOOP"), Does.StartWith("250"));
        Assert.That(_gateway!.Spool.Ids(SpoolArea.Active).Concat(_gateway.Spool.Ids(SpoolArea.Dead)), Is.Empty, "nothing stored");
    }

    [TestCase("Subject : obsolete space before the colon\r\n\r\nbody\r\n", TestName = "Data_ObsoleteSpaceBeforeColon_Gets250")]
    [TestCase("X-Only-Header: no body\r\n", TestName = "Data_HeadersWithoutBody_Gets250")]
    public async Task Data_WithAHeaderSection_IsAccepted(string data)
    {
        Assert.That(await SendDataAsync(data), Does.StartWith("250 2.0.0"));
    }

    [Test]
    public void Start_MaxMessageSizeBelowTheDefaultMaxHeaderSize_IsRefusedNamingBothKeys()
    {
        var error = Assert.CatchAsync(async () => _gateway = await GatewayHarness.StartAsync(_pagerDuty, GatewayHarness.DefaultRules, "--Smtp:MaxMessageSize=100000"));

        Assert.That(error!.Message, Does.Contain("Smtp:MaxHeaderSize (262144) must not be larger than Smtp:MaxMessageSize (100000)"));
    }

    [Test]
    public async Task DeeplyNestedMultipart_IsAcceptedWith250()
    {
        var body = new StringBuilder("Subject: nested\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
        const int depth = 500;
        for (var i = 0; i < depth; i++)
        {
            body.Append("--b").Append(i).Append("\r\nContent-Type: multipart/mixed; boundary=\"b").Append(i + 1).Append("\"\r\n\r\n");
        }

        body.Append("--b").Append(depth).Append("\r\nContent-Type: text/plain\r\n\r\ndeep\r\n");
        for (var i = depth; i >= 0; i--)
        {
            body.Append("--b").Append(i).Append("--\r\n");
        }

        Assert.That(await SendDataAsync(body.ToString()), Does.StartWith("250 2.0.0"));
    }

    [TestCase("Subject: =?utf-8?B?broken base64?= =?iso-8859-1?Q?=ZZ=?= =?unknown?X?y?=\r\n\r\nbody\r\n", TestName = "MalformedEncodedWords_AreAcceptedWith250")]
    [TestCase("Subject: b64\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29y\r\nbGQ=!!==A\r\nSGV", TestName = "TruncatedBase64_IsAcceptedWith250")]
    [TestCase("Subject: open\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"never\"\r\n\r\n--never\r\nContent-Type: text/plain\r\n\r\nno closing boundary\r\n", TestName = "UnterminatedMultipart_IsAcceptedWith250")]
    public async Task MalformedMime(string data)
    {
        Assert.That(await SendDataAsync(data + "\r\n"), Does.StartWith("250 2.0.0"));
        await AssertServesNextClientAsync();
    }

    [TestCase("PROXY TCP4 203.0.113.9 127.0.0.1 41000 25")]
    [TestCase("PROXY TCP6 2001:db8::9 ::1 41000 25")]
    [TestCase("PROXY UNKNOWN")]
    public async Task Proxy_FromAClient_Gets502_AndTheRecordedClientAddressStaysTheSocketAddress(string proxy)
    {
        var client = await ConnectAsync();
        await using var _ = client;

        Assert.That(await client.CommandAsync(proxy), Does.StartWith("502 5.5.2 Error: command not recognized"));
        Assert.That(await client.CommandAsync(proxy), Does.StartWith("502 5.5.2"), "a second PROXY is answered too (SmtpServer would fault the session)");
        var reply = await SendMessageAsync(client, "Subject: proxied\r\n\r\nbody\r\n");

        Assert.That(reply, Does.StartWith("250 2.0.0"));
        Assert.That(_gateway!.Spool.Find(Mail.SpoolIdOf(reply))!.Value.Message.Envelope.Mail!.ClientAddress, Is.EqualTo("127.0.0.1"));
    }

    private async Task<RawSmtpClient> ConnectAsync(params string[] settings)
    {
        _gateway ??= await GatewayHarness.StartAsync(_pagerDuty, GatewayHarness.DefaultRules, settings);
        var (client, greeting) = await RawSmtpClient.ConnectAsync(_gateway.SmtpEndpoint);
        Assert.That(greeting, Does.StartWith("220 "));
        return client;
    }

    private async Task<RawSmtpClient> StartDataAsync(params string[] settings)
    {
        var client = await ConnectAsync(settings);
        await client.BeginDataAsync();
        return client;
    }

    private async Task<string> SendDataAsync(string data)
    {
        var client = await StartDataAsync();
        await using var _ = client;
        await client.SendRawAsync(Encoding.ASCII.GetBytes(data + ".\r\n"));
        return await client.ReadReplyAsync();
    }

    private static async Task<string> SendMessageAsync(RawSmtpClient client, string data)
    {
        Assert.That(await client.CommandAsync("EHLO test.example"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync(Rcpt), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"));
        await client.SendRawAsync(Encoding.ASCII.GetBytes(data + ".\r\n"));
        return await client.ReadReplyAsync();
    }

    private async Task AssertServesNextClientAsync()
    {
        var client = await ConnectAsync();
        await using var _ = client;
        var reply = await SendMessageAsync(client, "Subject: next\r\n\r\nbody\r\n");
        Assert.That(reply, Does.StartWith("250 2.0.0"), "the next client is served");
        Assert.That(_gateway!.Spool.Find(Mail.SpoolIdOf(reply)), Is.Not.Null);
    }
}
