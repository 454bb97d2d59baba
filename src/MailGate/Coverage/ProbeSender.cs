using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MailGate.Coverage;

/// <summary>Hands a probe to the outbound relay.</summary>
public interface IProbeSender
{
    /// <summary>Sends <paramref name="message"/> to its <c>To</c>, trying again on temporary failures.</summary>
    /// <exception cref="ProbeSendException">The relay did not take it (permanently refused, or every attempt failed).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>The relay did not take a probe; <see cref="Exception.Message"/> says what it answered, or the network error.</summary>
public sealed class ProbeSendException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public ProbeSendException(string message)
        : base(message)
    {
    }

    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public ProbeSendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An empty failure (for serialisers).</summary>
    public ProbeSendException()
    {
    }

    /// <summary>
    /// True when the relay permanently refused the probe's recipient (<c>RCPT TO</c> answered <c>5xx</c>, e.g. 550 5.1.1
    /// "does not exist") while it took the rest of the transaction: the account's root address, not the relay, may be what failed.
    /// </summary>
    public bool RecipientRefused { get; init; }
}

/// <summary>
/// <see cref="IProbeSender"/> through <c>Coverage:Relay</c> with MailKit's <see cref="SmtpClient"/>: a new connection per
/// probe, STARTTLS as configured, authentication when a user name is set, <c>Coverage:Relay:Timeout</c> per attempt,
/// and up to <c>Coverage:Relay:Attempts</c> attempts <c>Coverage:Relay:RetryDelay</c> apart. A permanent refusal
/// (<c>5xx</c>) is not tried again, nor a probe whose content the relay had and did not answer (it may have queued it).
/// </summary>
internal sealed class SmtpProbeSender(IOptions<CoverageOptions> options, TimeProvider time) : IProbeSender
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var relay = options.Value.Relay;
        for (var attempt = 1; ; attempt++)
        {
            var handed = new HandedOver();
            try
            {
                await AttemptAsync(relay, message, handed, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (Describe(e, cancellationToken) is { } failure)
            {
                // Once the relay has had the probe's content it may have queued it: the same token sent again would
                // arrive as a replay (ordinary mail, paged by a page-everything rule). The next round sends a new probe.
                // An answer (4xx) to the content says the relay did not take it: that is tried again.
                var unanswered = handed.Started && e is not SmtpCommandException;
                var again = unanswered && !failure.Permanent && attempt < relay.Attempts ? " after the relay had the probe: not tried again, the same probe twice would arrive as a replay" : "";
                if (failure.Permanent || attempt >= relay.Attempts || unanswered)
                {
                    throw new ProbeSendException($"{failure.Text}{again} (attempt {attempt} of {relay.Attempts})", e)
                    {
                        RecipientRefused = failure.Permanent && e is SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted },
                    };
                }
            }

            await Task.Delay(relay.RetryDelay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AttemptAsync(CoverageRelayOptions relay, MimeMessage message, HandedOver handed, CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(relay.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        using var client = new SmtpClient { Timeout = (int)relay.Timeout.TotalMilliseconds };
        var tls = relay.StartTls.ToUpperInvariant() switch
        {
            "ALWAYS" => SecureSocketOptions.StartTls,
            "NEVER" => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };
        try
        {
            await client.ConnectAsync(relay.Host, relay.Port, tls, linked.Token).ConfigureAwait(false);
            if (relay.Username.Length > 0)
            {
                var password = CoverageSecrets.Read(relay.Password, relay.PasswordFile).Secret ?? "";
                await client.AuthenticateAsync(relay.Username, password, linked.Token).ConfigureAwait(false);
            }

            await client.SendAsync(message, linked.Token, handed).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the relay did not answer within {relay.Timeout}");
        }
    }

    /// <summary>Whether the message's content began to go to the relay (MailKit reports progress only while writing it).</summary>
    private sealed class HandedOver : ITransferProgress
    {
        public bool Started { get; private set; }

        public void Report(long bytesTransferred, long totalSize) => Started = true;

        public void Report(long bytesTransferred) => Started = true;
    }

    /// <summary>What went wrong and whether trying again is pointless; null for cancellation (it is not a failure of the relay).</summary>
    private static (string Text, bool Permanent)? Describe(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        SmtpCommandException c => ($"{c.ErrorCode}: {(int)c.StatusCode} {c.Message.Trim()}", (int)c.StatusCode >= 500),
        AuthenticationException a => ($"authentication failed: {a.Message}", true),
        SmtpProtocolException p => ($"protocol error: {p.Message}", false),
        ServiceNotConnectedException or ServiceNotAuthenticatedException => (e.Message, false),
        NotSupportedException n => ($"not supported by the relay: {n.Message}", true),
        TimeoutException or IOException or System.Net.Sockets.SocketException or SslHandshakeException or OperationCanceledException => (e.Message, false),
        _ => null,
    };
}
