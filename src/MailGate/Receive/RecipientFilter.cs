using MailGate.Observability;
using MailGate.Spool;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace MailGate.Receive;

/// <summary>
/// Answers MAIL FROM (<c>530 5.7.0</c> before STARTTLS when TLS is required; <c>452 4.3.1</c> while the
/// spool's disk is below its free-space floor) and RCPT TO (accepted recipients and the postmaster get
/// 250; every other address <c>550 5.1.1</c>). RCPT TO past <see cref="SmtpOptions.MaxRecipients"/> never
/// gets here: <see cref="CommandScreen"/> answers it.
/// </summary>
/// <remarks>
/// SmtpServer appends <c>", N retry(ies) remaining."</c> to each of these refusals and counts it toward
/// <see cref="SmtpOptions.MaxErrors"/>: they are the client's errors (an unknown recipient, no STARTTLS),
/// or, for the full spool, a condition that ends the sender's attempt anyway (it retries later).
/// </remarks>
internal sealed class RecipientFilter(
    RecipientPolicy policy,
    SpoolSpace space,
    IOptions<SmtpOptions> options,
    MailGateMetrics metrics,
    ILogger<RecipientFilter> logger) : IMailboxFilter
{
    /// <summary>The reply while the spool's disk is too full: senders keep the mail and retry.</summary>
    public static readonly SmtpResponse StorageFull = new(SmtpReplyCode.InsufficientStorage, "4.3.1 Insufficient system storage, try again later");

    /// <summary>The reply to MAIL FROM on a plaintext connection when <see cref="SmtpTlsOptions.Required"/> (RFC 3207).</summary>
    public static readonly SmtpResponse TlsRequired = new((SmtpReplyCode)530, "5.7.0 Must issue a STARTTLS command first");

    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (options.Value.Tls.Required && !context.Pipe.IsSecure)
        {
            Log.MailRefused(logger, "TLS required", TlsRequired.Message, context.SessionId.ToString());
            metrics.MessageRejected(530, "tls_required");
            throw new SmtpResponseException(TlsRequired);
        }

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
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(to);
        var address = to.AsAddress();
        if (policy.Accepts(address))
        {
            (context.Pipe as ClientPipe)?.RecipientAccepted();
            return Task.FromResult(true);
        }

        Log.RecipientRejected(logger, address, context.SessionId.ToString());
        metrics.MessageRejected(550, "recipient");
        throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxUnavailable, $"5.1.1 <{address}>: recipient address rejected"));
    }
}
