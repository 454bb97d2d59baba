using MailGate.Observability;
using Microsoft.Extensions.Logging;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace MailGate.Receive;

/// <summary>Answers RCPT TO: accepted recipients get 250, every other address <c>550 5.1.1</c>.</summary>
internal sealed class RecipientFilter(RecipientPolicy policy, MailGateMetrics metrics, ILogger<RecipientFilter> logger) : IMailboxFilter
{
    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
        Task.FromResult(true);

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
