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
/// spool's disk is below its free-space floor) and RCPT TO (accepted recipients get 250 up to
/// <see cref="SmtpOptions.MaxRecipients"/> per message, then <c>452 4.5.3</c>; every other address
/// <c>550 5.1.1</c>).
/// </summary>
/// <remarks>
/// SmtpServer appends <c>", N retry(ies) remaining."</c> to each of these refusals and counts it toward
/// <see cref="SmtpOptions.MaxErrors"/>.
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

    /// <summary>The reply to the RCPT TO past <see cref="SmtpOptions.MaxRecipients"/> (RFC 5321 4.5.3.1.10).</summary>
    public static readonly SmtpResponse TooManyRecipients = new(SmtpReplyCode.InsufficientStorage, "4.5.3 Too many recipients");

    /// <summary>The reply to MAIL FROM on a plaintext connection when <see cref="SmtpTlsOptions.Required"/> (RFC 3207).</summary>
    public static readonly SmtpResponse TlsRequired = new((SmtpReplyCode)530, "5.7.0 Must issue a STARTTLS command first");

    // The accepted recipients of the session's current transaction (SmtpServer does not show the filter
    // the transaction). Every RCPT TO follows a MAIL FROM that reached this filter, which starts a new count.
    private const string RecipientCountKey = "MailGate:RecipientCount";

    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Properties[RecipientCountKey] = 0;
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
        var accepted = context.Properties.TryGetValue(RecipientCountKey, out var value) && value is int count ? count : 0;
        if (accepted >= options.Value.MaxRecipients)
        {
            Log.MailRefused(logger, "too many recipients", TooManyRecipients.Message, context.SessionId.ToString());
            metrics.MessageRejected(452, "too_many_recipients");
            throw new SmtpResponseException(TooManyRecipients);
        }

        var address = to.AsAddress();
        if (policy.Accepts(address))
        {
            context.Properties[RecipientCountKey] = accepted + 1;
            return Task.FromResult(true);
        }

        Log.RecipientRejected(logger, address, context.SessionId.ToString());
        metrics.MessageRejected(550, "recipient");
        throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxUnavailable, $"5.1.1 <{address}>: recipient address rejected"));
    }
}
