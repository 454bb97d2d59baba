using MimeKit;

namespace MailGate.Core.Tests.Parse.Authentication.Support;

/// <summary>Messages to sign.</summary>
internal static class SignedMessages
{
    public const string AbuseBody = "Hello,\r\n\r\nWe have received a report that your AWS resources have been involved in abusive activity.\r\n\r\nRegards,\r\nAWS Trust & Safety\r\n";

    public const string GroupFooter = "\r\n-- \r\nYou received this message because you are subscribed to the Google Groups \"AWS root 123456789012\" group.\r\nTo unsubscribe from this group and stop receiving emails from it, send an email to aws-root-123456789012+unsubscribe@example.com.\r\n";

    /// <summary>An abuse report as amazon.com sends it, before any group.</summary>
    public static MimeMessage AbuseReport(string fromAddress = "ec2-abuse@amazon.com")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("AWS Trust & Safety", fromAddress));
        message.To.Add(new MailboxAddress("", "aws-root-123456789012@example.com"));
        message.Subject = "Your AWS Abuse Report [12345678] [AWS ID 123456789012]";
        message.Date = new DateTimeOffset(2026, 11, 10, 11, 14, 5, TimeSpan.Zero);
        message.MessageId = "0100018f-abuse-12345678@email.amazonses.com";
        message.Body = new TextPart("plain") { Text = AbuseBody };
        return message;
    }
}
