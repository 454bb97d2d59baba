using System.Text;
using MailGate.Tests.Support;

namespace MailGate.Tests.Receive;

/// <summary>The usual steps of an SMTP dialogue over <see cref="RawSmtpClient"/>, each checked.</summary>
public static class RawSmtpDialog
{
    /// <summary>The recipient the default settings accept.</summary>
    public const string Recipient = "aws-abuse@mailgate.example.com";

    /// <summary>Connects to <paramref name="gateway"/> and checks the greeting.</summary>
    public static async Task<RawSmtpClient> ConnectAsync(GatewayHarness gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var (client, greeting) = await RawSmtpClient.ConnectAsync(gateway.SmtpEndpoint);
        Assert.That(greeting, Is.EqualTo("220 mailgate ESMTP ready"));
        return client;
    }

    /// <summary>EHLO and MAIL FROM; the client may send RCPT TO next.</summary>
    public static async Task BeginMailAsync(this RawSmtpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Assert.That(await client.CommandAsync("EHLO test.example"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("MAIL FROM:<sender@example.com>"), Does.StartWith("250"));
    }

    /// <summary>EHLO, MAIL FROM, RCPT TO, DATA; the client may send the message next.</summary>
    public static async Task BeginDataAsync(this RawSmtpClient client, string recipient = Recipient)
    {
        await client.BeginMailAsync();
        Assert.That(await client.CommandAsync($"RCPT TO:<{recipient}>"), Does.StartWith("250"));
        Assert.That(await client.CommandAsync("DATA"), Does.StartWith("354"));
    }

    /// <summary>Sends <paramref name="data"/> (which must end in CRLF) and the end-of-data line; returns the reply.</summary>
    public static async Task<string> EndDataAsync(this RawSmtpClient client, string data)
    {
        ArgumentNullException.ThrowIfNull(client);
        await client.SendRawAsync(Encoding.Latin1.GetBytes(data + ".\r\n"));
        return await client.ReadReplyAsync();
    }

    /// <summary>A whole transaction on a fresh connection; returns the reply to the message.</summary>
    public static async Task<string> SendMessageAsync(GatewayHarness gateway, string data = "Subject: real\r\n\r\nbody\r\n")
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var client = await ConnectAsync(gateway);
        await using (client)
        {
            await client.BeginDataAsync();
            return await client.EndDataAsync(data);
        }
    }

    /// <summary>
    /// A message of exactly <paramref name="size"/> bytes as RFC 1870 counts them (its final CRLF included;
    /// no line starts with a dot), in lines of at most 1,000 bytes.
    /// </summary>
    public static string MessageOfSize(int size)
    {
        var text = new StringBuilder("Subject: size\r\n\r\n");
        while (text.Length < size - 1100)
        {
            text.Append('x', 998).Append("\r\n");
        }

        text.Append('y', size - text.Length - 2).Append("\r\n");
        return text.ToString();
    }
}
