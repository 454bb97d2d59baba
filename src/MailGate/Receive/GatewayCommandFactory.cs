using System.Net;
using SmtpServer.Protocol;

namespace MailGate.Receive;

/// <summary>
/// SmtpServer's command factory without the PROXY command. SmtpServer accepts <c>PROXY TCP4 ...</c> from
/// any client before HELO and records the claimed source address in the session (a second PROXY even
/// faults the session); MailGate never sits behind a PROXY-protocol balancer, so the command is answered
/// like any unknown one and the recorded client address stays the socket's.
/// </summary>
internal sealed class GatewayCommandFactory : SmtpCommandFactory
{
    /// <summary>The reply to PROXY (what Postfix answers when it does not expect the PROXY protocol).</summary>
    public static readonly SmtpResponse ProxyRefused = new(SmtpReplyCode.CommandNotImplemented, "5.5.2 Error: command not recognized");

    public override SmtpCommand CreateProxy(IPEndPoint? sourceEndpoint = null, IPEndPoint? destinationEndpoint = null) =>
        throw new SmtpResponseException(ProxyRefused);
}
