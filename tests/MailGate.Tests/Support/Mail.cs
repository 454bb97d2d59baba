using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailGate.Tests.Support;

/// <summary>Sends mail to the gateway with a real SMTP client (MailKit) and loads fixtures.</summary>
public static class Mail
{
    /// <summary>The path of a fixture under <c>tests/Fixtures/mail</c>.</summary>
    public static string FixturePath(string name) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "mail", name);

    public static MimeMessage Fixture(string name) => MimeMessage.Load(FixturePath(name));

    /// <summary>A plain message from ec2-abuse@amazon.com with <paramref name="subject"/> and a fresh Message-ID.</summary>
    public static MimeMessage Simple(string subject, string to = "x@mailgate.example.com")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("ec2-abuse@amazon.com"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = $"{Guid.NewGuid():N}@example.com";
        message.Body = new TextPart("plain") { Text = subject };
        return message;
    }

    /// <summary>Sends <paramref name="message"/> and returns the spool id from the 250 reply.</summary>
    /// <param name="gateway">The gateway.</param>
    /// <param name="message">The message.</param>
    /// <param name="to">RCPT TO.</param>
    /// <param name="from">MAIL FROM.</param>
    /// <param name="client">The loopback address to connect from (any of 127.0.0.0/8), to look like another client network.</param>
    public static async Task<string> SendAsync(
        GatewayHarness gateway,
        MimeMessage message,
        string to = "aws-abuse@mailgate.example.com",
        string from = "aws-root-123456789012+bncBAABB@example.com",
        System.Net.IPAddress? client = null)
    {
        using var smtp = new SmtpClient();
        if (client is not null)
        {
            smtp.LocalEndPoint = new System.Net.IPEndPoint(client, 0);
        }

        await smtp.ConnectAsync(gateway.SmtpEndpoint.Address.ToString(), gateway.SmtpEndpoint.Port, SecureSocketOptions.None);
        var reply = await smtp.SendAsync(message, MailboxAddress.Parse(from), [MailboxAddress.Parse(to)]);
        await smtp.DisconnectAsync(quit: true);
        return SpoolIdOf(reply);
    }

    /// <summary>
    /// Sends the fixture's bytes as they are (over a raw socket: no client re-encodes a header), every
    /// line ending in CRLF as SMTP carries it, dot-stuffed; returns the spool id from the 250 reply.
    /// </summary>
    public static async Task<string> SendFixtureAsync(GatewayHarness gateway, string fixture, string to, string from = "group+bnc@example.com")
    {
        var (client, greeting) = await RawSmtpClient.ConnectAsync(gateway.SmtpEndpoint);
        await using (client)
        {
            Assert.That(greeting, Does.StartWith("220 "));
            Assert.That(await client.CommandAsync("EHLO test.example"), Does.StartWith("250"));
            Assert.That(await client.CommandAsync($"MAIL FROM:<{from}>"), Does.StartWith("250"));
            Assert.That(await client.CommandAsync($"RCPT TO:<{to}>"), Does.StartWith("250"));
            Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"));
            await client.SendRawAsync([.. Wire(File.ReadAllBytes(FixturePath(fixture))), .. ".\r\n"u8]);
            var reply = await client.ReadReplyAsync();
            await client.QuitAsync();
            return SpoolIdOf(reply);
        }
    }

    /// <summary>The bytes with every line ending in CRLF, a line starting with '.' dot-stuffed, ending in a line end; no other byte changed.</summary>
    private static List<byte> Wire(byte[] bytes)
    {
        var result = new List<byte>(bytes.Length + 256);
        for (var i = 0; i < bytes.Length; i++)
        {
            var lineStart = i == 0 || bytes[i - 1] == '\n';
            if (lineStart && bytes[i] == '.')
            {
                result.Add((byte)'.');
            }

            if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r'))
            {
                result.Add((byte)'\r');
            }

            result.Add(bytes[i]);
        }

        if (result.Count < 2 || result[^2] != '\r' || result[^1] != '\n')
        {
            result.AddRange("\r\n"u8);
        }

        return result;
    }

    /// <summary>The spool id in a <c>250 2.0.0 Ok: queued as ID</c> reply.</summary>
    public static string SpoolIdOf(string reply)
    {
        const string marker = "queued as ";
        var index = reply.IndexOf(marker, StringComparison.Ordinal);
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"not a queued reply: {reply}");
        return reply[(index + marker.Length)..].Trim();
    }
}
