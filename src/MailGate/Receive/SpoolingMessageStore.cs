using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Storage;
using System.Buffers;
using System.Net;
using MailGate.Observability;
using MailGate.Parse;
using MailGate.Spool;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace MailGate.Receive;

/// <summary>
/// Answers end-of-DATA: checks the message, commits it durably to the spool, hands it to processing,
/// and only then answers 250. Always returns a reply and never throws (SmtpServer would send no reply
/// at all for a thrown <see cref="SmtpResponseException"/>, leaving the client hanging).
/// </summary>
internal sealed class SpoolingMessageStore(
    IMessageIntake spool,
    SpoolSpace space,
    ProcessingInbox inbox,
    IOptions<SmtpOptions> options,
    MailGateMetrics metrics,
    MailArrivals arrivals,
    TimeProvider time,
    ILogger<SpoolingMessageStore> logger) : IMessageStore
{
    private static readonly SmtpResponse SpoolFailed =
        new(SmtpReplyCode.Aborted, "4.3.0 Temporary failure storing the message, try again later");

    private static readonly SmtpResponse BareLineEnd =
        new(SmtpReplyCode.TransactionFailed, "5.6.0 Bare CR or LF in message data; lines must end with CRLF");

    private static readonly SmtpResponse NoHeader =
        new(SmtpReplyCode.TransactionFailed, "5.6.0 Message has no header section");

    private static readonly SmtpResponse HeaderTooLarge =
        new(SmtpReplyCode.SizeLimitExceeded, "5.3.4 Message header section too large");

    public async Task<SmtpResponse> SaveAsync(
        ISessionContext context,
        IMessageTransaction transaction,
        ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        try
        {
            return await StoreAsync(context, transaction, buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Answered: the DATA no longer counts against Smtp:MaxDataInFlight (SmtpServer lets go of it next).
            (context.Pipe as ClientPipe)?.ReleaseData();
        }
    }

    private async Task<SmtpResponse> StoreAsync(
        ISessionContext context,
        IMessageTransaction transaction,
        ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        var sessionId = context.SessionId.ToString();
        if (context.Pipe is ClientPipe pipe)
        {
            if (pipe.TakeDataRefusal() is { } refusal)
            {
                // Decided while the data arrived (too large, empty, client silent): already logged and counted.
                return refusal;
            }

            // The message as the pipe read it; SmtpServer's buffer is only the end-of-data line.
            buffer = pipe.TakeMessage() ?? buffer;
        }

        try
        {
            if (LineEnds.HasBareCrOrLf(buffer))
            {
                Log.MessageRefused(logger, sessionId, "bare CR or LF", BareLineEnd.Message);
                metrics.MessageRejected(554, "bare_line_end");
                return BareLineEnd;
            }

            if (!HeaderSection.StartsWithHeaderField(buffer))
            {
                // It could never be parsed: refused now, not accepted and dead-lettered at Error (anyone could
                // fill dead/ and the error log at will).
                Log.MessageRefused(logger, sessionId, "no header section", NoHeader.Message);
                metrics.MessageRejected(554, "no_header");
                return NoHeader;
            }

            if (HeaderSection.Measure(buffer, options.Value.MaxHeaderSize) < 0)
            {
                Log.MessageRefused(logger, sessionId, "header section too large", HeaderTooLarge.Message);
                metrics.MessageRejected(552, "header_too_large");
                return HeaderTooLarge;
            }

            if (!space.HasRoom(out var free))
            {
                Log.SpoolFull(logger, free, sessionId);
                metrics.MessageRejected(452, "spool_full");
                return RecipientFilter.StorageFull;
            }

            var origin = new MailOrigin(
                MailFrom: MailFromOf(transaction),
                Recipients: transaction.To.Select(to => to.AsAddress()).ToArray(),
                ClientAddress: RemoteAddress(context),
                SessionId: sessionId);
            var envelope = new Envelope(time.GetUtcNow(), origin);

            var message = await spool.CommitAsync(envelope, buffer, cancellationToken).ConfigureAwait(false);
            inbox.Enqueue(message);
            metrics.MessageAccepted(buffer.Length);
            arrivals.Received(envelope.ReceivedAt, ListIds.InHeader(buffer)); // coverage: the silence alarm and per-group silence
            Log.MessageAccepted(logger, message.Id, buffer.Length, origin.MailFrom, origin.Recipients.Count, origin.ClientAddress ?? "", sessionId);
            return new SmtpResponse(SmtpReplyCode.Ok, $"2.0.0 Ok: queued as {message.Id}");
        }
#pragma warning disable CA1031 // Any failure to store must become a 4xx reply: throwing here would leave the client without one.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.SpoolWriteFailed(logger, e, sessionId, spool.Location);
            metrics.MessageRejected(451, "spool_write_failed");
            return SpoolFailed;
        }
    }

    private static string MailFromOf(IMessageTransaction transaction) =>
        transaction.From is { } from && !string.IsNullOrEmpty(from.User) ? from.AsAddress() : "";

    private static string? RemoteAddress(ISessionContext context) =>
        context.Properties.TryGetValue(EndpointListener.RemoteEndPointKey, out var value) && value is IPEndPoint endpoint
            ? endpoint.Address.ToString()
            : null;
}
