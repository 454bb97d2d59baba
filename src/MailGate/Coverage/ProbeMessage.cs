using MailGate.Core.Coverage;
using MimeKit;

namespace MailGate.Coverage;

/// <summary>Builds a coverage probe: the token in the <c>X-MailGate-Probe</c> header, in the subject and in the body (issue #15).</summary>
internal static class ProbeMessage
{
    /// <summary>The probe mail for <paramref name="target"/> carrying <paramref name="token"/>.</summary>
    /// <param name="from">The <c>From</c> address (<c>Coverage:From</c>).</param>
    /// <param name="target">The account and its root address (the <c>To</c>).</param>
    /// <param name="token">The token (<see cref="ProbeToken.Create"/>).</param>
    /// <param name="sentAt">The <c>Date</c>.</param>
    public static MimeMessage Create(string from, CoverageTarget target, string token, DateTimeOffset sentAt)
    {
        var message = new MimeMessage { Date = sentAt, Subject = ProbeToken.SubjectPrefix + " " + token };
        message.From.Add(new MailboxAddress("MailGate coverage", from));
        message.To.Add(MailboxAddress.Parse(target.RootAddress));
        message.Headers.Add(ProbeToken.HeaderName, token);
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from[(from.IndexOf('@', StringComparison.Ordinal) + 1)..]);
        message.Body = new TextPart("plain")
        {
            Text = $"""
                This is a coverage probe from MailGate for AWS account {target.AccountId} ({target.RootAddress}).
                It checks that mail to this root address reaches MailGate. No action is needed; please do not reply.

                {token}

                """,
        };
        return message;
    }
}
