using MailGate.Tests.Shared;
using MimeKit;
using MimeKit.Text;
using Org.BouncyCastle.Crypto;

namespace MailGate.Tests.Support;

/// <summary>AWS abuse reports as the shipped rules see them: genuine through a Google Group, or forged straight to the port.</summary>
public static class AbuseReports
{
    /// <summary>An abuse report as a Google Group delivers it: From rewritten, footer added, ARC-sealed by google.com with <paramref name="googleKey"/> at <paramref name="selector"/>.</summary>
    public static MimeMessage ThroughGoogle(AsymmetricKeyParameter googleKey, string selector, string dmarc = "pass")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("'AWS Trust & Safety' via AWS root 123456789012", "aws-root-123456789012@example.com"));
        message.To.Add(MailboxAddress.Parse("aws-root-123456789012@example.com"));
        message.Subject = "Your AWS Abuse Report [12345678] [AWS ID 123456789012]";
        message.MessageId = $"{Guid.NewGuid():N}@email.amazonses.com";
        message.Date = new DateTimeOffset(2026, 11, 10, 11, 14, 5, TimeSpan.Zero);
        message.Headers.Add("X-Original-From", "AWS Trust & Safety <ec2-abuse@amazon.com>");
        message.Headers.Add("X-Original-Sender", "ec2-abuse@amazon.com");
        message.Headers.Add("List-ID", "<aws-root-123456789012.example.com>");
        message.Headers.Add("X-Google-Group-Id", "123456789012345");
        var results = $"dkim=pass header.i=@amazon.com header.s=abuse; spf=pass smtp.mailfrom=bounce.amazon.com; dmarc={dmarc} (p=QUARANTINE) header.from=amazon.com";
        message.Headers.Add("X-Original-Authentication-Results", "mx.google.com; " + results);
        message.Body = new TextPart(TextFormat.Plain) { Text = "AWS ID: 123456789012 Region: us-east-1 EC2 Instance Id: i-0abc1234def567890\r\n-- \r\nYou received this message because you are subscribed to the Google Groups group.\r\n" };
        Signers.ArcSeal(message, googleKey, "google.com", selector, results);
        return message;
    }

    /// <summary>A forged report sent straight to the port: no seal, whatever sender the forger writes.</summary>
    public static MimeMessage Forged(string sender = "ec2-abuse@amazon.com")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(sender));
        message.To.Add(MailboxAddress.Parse("aws-abuse@mailgate.example.com"));
        message.Subject = "Your AWS Abuse Report [87654321] [AWS ID 123456789012]";
        message.MessageId = $"{Guid.NewGuid():N}@forger.example";
        message.Body = new TextPart(TextFormat.Plain) { Text = "Please log in at http://phish.example to respond." };
        return message;
    }
}
