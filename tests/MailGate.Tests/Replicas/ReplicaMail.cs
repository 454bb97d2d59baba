using System.Net;
using MailGate.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MailGate.Tests.Replicas;

/// <summary>The mail the replica tests send (MailKit over loopback), the rules that page it, and how its pages are told apart.</summary>
internal static class ReplicaMail
{
    /// <summary>Pages every message whose subject starts with "replica" to one route.</summary>
    public static readonly string Rules = GatewayHarness.SubjectPrefixRules("replicas", "replica");

    /// <summary>An abuse-report-like message with <paramref name="messageId"/> (about 2 KB).</summary>
    public static MimeMessage Message(string messageId)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("ec2-abuse@amazon.com"));
        message.To.Add(MailboxAddress.Parse("oncall@mailgate.example.com"));
        message.Subject = $"replica test {messageId}";
        message.MessageId = messageId;
        message.Body = new TextPart("plain") { Text = "AWS ID: 123456789012\n" + new string('x', 2000) };
        return message;
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="smtp"/>; returns once the 250 to end-of-DATA arrived (then drops the connection: a kill after the 250 must not count as a failed send), throws on anything else.</summary>
    public static async Task SendAsync(IPEndPoint smtp, MimeMessage message)
    {
        using var client = new SmtpClient { Timeout = 5000 };
        await client.ConnectAsync(smtp.Address.ToString(), smtp.Port, SecureSocketOptions.None);
        await client.SendAsync(message, MailboxAddress.Parse("bounce@example.com"), [MailboxAddress.Parse("oncall@mailgate.example.com")]);
    }

    /// <summary>The Message-ID a PagerDuty event was sent for (its <c>custom_details.message_id</c>).</summary>
    public static string MessageIdOf(ReceivedEvent e) => e.Details.GetProperty("message_id").GetString()!;

    /// <summary>The triggers PagerDuty accepted (202), by Message-ID.</summary>
    public static ILookup<string, ReceivedEvent> AcceptedByMessage(IEnumerable<ReceivedEvent> requests) =>
        requests.Where(r => r.Status == 202).ToLookup(MessageIdOf, StringComparer.Ordinal);
}
