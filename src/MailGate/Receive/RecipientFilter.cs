using MailGate.Observability;
using MailGate.Spool;
using Microsoft.Extensions.Logging;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace MailGate.Receive;

/// <summary>
/// Answers MAIL FROM (<c>452 4.3.1</c> while the spool's disk is below its free-space floor) and RCPT TO
/// (accepted recipients get 250, every other address <c>550 5.1.1</c>).
/// </summary>
internal sealed class RecipientFilter(RecipientPolicy policy, SpoolSpace space, MailGateMetrics metrics, ILogger<RecipientFilter> logger) : IMailboxFilter
{
    /// <summary>The reply while the spool's disk is too full: senders keep the mail and retry.</summary>
    public static readonly SmtpResponse StorageFull = new(SmtpReplyCode.InsufficientStorage, "4.3.1 Insufficient system storage, try again later");

    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        if (space.HasRoom(out var free))
        {
            return Task.FromResult(true);
        }

        Log.SpoolFull(logger, free, context.SessionId.ToString());
        metrics.MessageRejected(452, "spool_full");
        throw new SmtpResponseException(StorageFull);
    }

    public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        var address = to.AsAddress();
        if (policy.Accepts(address))
        {
            return Task.FromResult(true);
        }

        Log.RecipientRejected(logger, address, context.SessionId.ToString());
        metrics.MessageRejected(550, "recipient");
        throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxUnavailable, $"5.1.1 <{address}>: recipient address rejected"));
    }
}
