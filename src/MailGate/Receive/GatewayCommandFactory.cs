using System.Net;
using MailGate.Observability;
using Microsoft.Extensions.Logging;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;

namespace MailGate.Receive;

/// <summary>
/// SmtpServer's command factory with MailGate's choices where the library's defaults were never chosen:
/// <list type="bullet">
/// <item>EHLO advertises what MailGate does and nothing else (<see cref="Extensions"/>); EHLO and HELO
/// answer <c>250 <i>server name</i> Hello <i>client's name</i></c> (SmtpServer adds a joke).</item>
/// <item>MAIL FROM's <c>SIZE=</c> is checked here: a value over <see cref="SmtpOptions.MaxMessageSize"/>,
/// including one too large for SmtpServer's 32-bit parse (which it would treat as no size at all), gets
/// <c>552 5.3.4</c>; a value that is not 1–20 digits (RFC 1870 §4) gets <c>501 5.5.4</c>.</item>
/// <item>No AUTH: MailGate has no users. <see cref="CommandScreen"/> answers AUTH before it gets here;
/// should it ever get here, it is refused the same way instead of reaching SmtpServer's default
/// authenticator, which accepts any user and password.</item>
/// <item>No PROXY: SmtpServer accepts <c>PROXY TCP4 ...</c> from any client before HELO and records the
/// claimed source address in the session (a second PROXY even faults the session); MailGate never sits
/// behind a PROXY-protocol balancer, so the command is answered like an unknown one and the recorded
/// client address stays the socket's.</item>
/// </list>
/// Refusals thrown from here count toward <see cref="SmtpOptions.MaxErrors"/>.
/// </summary>
internal sealed class GatewayCommandFactory(int maxMessageSize, MailGateMetrics metrics, ILogger logger) : SmtpCommandFactory, ISmtpCommandFactory
{
    /// <summary>The reply to PROXY (what Postfix answers when it does not expect the PROXY protocol).</summary>
    public static readonly SmtpResponse ProxyRefused = new(SmtpReplyCode.CommandNotImplemented, "5.5.2 Error: command not recognized");

    /// <summary>The reply to MAIL FROM with a SIZE over the limit (RFC 1870 §6.2; Postfix's text).</summary>
    public static readonly SmtpResponse SizeExceeded = new(SmtpReplyCode.SizeLimitExceeded, "5.3.4 Message size exceeds fixed limit");

    /// <summary>The reply to MAIL FROM with a SIZE that is not a number (Postfix's text).</summary>
    public static readonly SmtpResponse SizeSyntax = new(SmtpReplyCode.SyntaxError, "5.5.4 Bad message size syntax");

    /// <summary>The EHLO keywords, in order: SIZE with the limit, STARTTLS while plaintext with a certificate.</summary>
    public static IEnumerable<string> Extensions(ISessionContext context, int maxMessageSize)
    {
        ArgumentNullException.ThrowIfNull(context);
        yield return "PIPELINING";  // replies in order for commands sent in one go (RFC 2920)
        yield return "8BITMIME";    // message bytes are stored as received (RFC 6152)
        yield return "SMTPUTF8";    // UTF-8 headers and local parts pass (RFC 6531)
        if (!context.Pipe.IsSecure && context.EndpointDefinition.CertificateFactory is not null)
        {
            yield return "STARTTLS";
        }

        yield return $"SIZE {maxMessageSize}";
    }

    public override SmtpCommand CreateEhlo(string domainOrAddress) => new Ehlo(domainOrAddress, maxMessageSize);

    public override SmtpCommand CreateHelo(string domainOrAddress) => new Helo(domainOrAddress);

    public override SmtpCommand CreateMail(IMailbox address, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.TryGetValue("SIZE", out var size) && SizeRefusal(size) is { } refusal)
        {
            Log.MailSizeRefused(logger, size is null ? "" : size[..Math.Min(size.Length, 32)], $"{(int)refusal.ReplyCode} {refusal.Message}");
            metrics.MessageRejected((int)refusal.ReplyCode, refusal == SizeExceeded ? "message_too_large" : "bad_size");
            throw new SmtpResponseException(refusal);
        }

        return base.CreateMail(address, parameters);
    }

    /// <summary>The refusal of <c>SIZE=</c><paramref name="size"/>, or null when it is within the limit.</summary>
    public SmtpResponse? SizeRefusal(string? size)
    {
        if (size is not { Length: >= 1 and <= 20 } || !size.All(char.IsAsciiDigit))
        {
            return SizeSyntax;
        }

        // Up to 20 digits may overflow any integer type: compare by length first.
        var digits = size.TrimStart('0');
        return digits.Length > 10 || (digits.Length > 0 && long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) > maxMessageSize)
            ? SizeExceeded
            : null;
    }

    SmtpCommand ISmtpCommandFactory.CreateAuth(AuthenticationMethod method, string parameter) =>
        throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.BadSequence, CommandScreen.AuthNotEnabled[4..]));

    public override SmtpCommand CreateProxy(IPEndPoint? sourceEndpoint = null, IPEndPoint? destinationEndpoint = null) =>
        throw new SmtpResponseException(ProxyRefused);

    private sealed class Ehlo(string domainOrAddress, int maxMessageSize) : EhloCommand(domainOrAddress)
    {
        protected override string GetGreeting(ISessionContext context) => $"{context.ServerOptions.ServerName} Hello {DomainOrAddress}";

        protected override IEnumerable<string> GetExtensions(ISessionContext context) => Extensions(context, maxMessageSize);
    }

    private sealed class Helo(string domainOrAddress) : HeloCommand(domainOrAddress)
    {
        protected override string GetGreeting(ISessionContext context) => $"{context.ServerOptions.ServerName} Hello {DomainOrAddress}";
    }
}
