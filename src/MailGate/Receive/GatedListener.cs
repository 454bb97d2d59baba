using System.Net;
using MailGate.Observability;
using Microsoft.Extensions.Logging;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace MailGate.Receive;

/// <summary>
/// Wraps SmtpServer's endpoint listener: each accepted connection passes the <see cref="ClientGate"/>
/// before SmtpServer sees it. A refused one gets its reply (<c>554 5.7.1</c> or <c>421 4.7.0</c>) and is
/// closed without a greeting, and the listener goes back to accepting. An admitted one reaches SmtpServer
/// through a <see cref="ClientPipe"/>, which holds its slot and applies MailGate's reading rules.
/// </summary>
internal sealed class GatedListener(IEndpointListener inner, ClientGate gate, ClientLimits limits, MailGateMetrics metrics, TimeProvider time, ILogger logger) : IEndpointListener
{
    /// <summary>The reply to a client outside <see cref="SmtpOptions.AllowedClients"/>.</summary>
    public const string AccessDenied = "554 5.7.1 Access denied";

    /// <summary>The reply when a connection limit is reached (what Postfix answers).</summary>
    public const string TooManyConnections = "421 4.7.0 Too many connections, try again later";

    private static readonly TimeSpan RefusalWriteTimeout = TimeSpan.FromSeconds(5);

    public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pipe = await inner.GetPipeAsync(context, cancellationToken).ConfigureAwait(false);
            var client = context.Properties.TryGetValue(EndpointListener.RemoteEndPointKey, out var value) && value is IPEndPoint endpoint
                ? endpoint.Address
                : IPAddress.None;
            var admission = gate.TryAdmit(client, out var lease);
            if (admission == Admission.Admitted)
            {
                var report = new ClientReport(logger, context.SessionId.ToString(), client.ToString(), metrics.MessageRejected);
                var admitted = new ClientPipe(pipe, lease!, limits, report, time);
                admitted.Follow(context);
                return admitted;
            }

            var (reply, reason) = admission == Admission.NotAllowed
                ? (AccessDenied, "client_not_allowed")
                : (TooManyConnections, admission == Admission.TooManyConnections ? "too_many_connections" : "too_many_connections_from_client");
            Log.ConnectionRefused(logger, client.ToString(), reason, reply, gate.Open);
            metrics.MessageRejected(admission == Admission.NotAllowed ? 554 : 421, reason);

            // Not awaited: a client that does not read must not hold up the accept loop.
            _ = RefuseAsync(pipe, reply);

            // The same context is used for the next accept, and the inner listener adds these keys again.
            context.Properties.Remove(EndpointListener.LocalEndPointKey);
            context.Properties.Remove(EndpointListener.RemoteEndPointKey);
        }
    }

    public void Dispose() => inner.Dispose();

    private async Task RefuseAsync(ISecurableDuplexPipe pipe, string reply)
    {
        using var timeout = new CancellationTokenSource(RefusalWriteTimeout, time);
        try
        {
            await pipe.Output.WriteAsync(System.Text.Encoding.ASCII.GetBytes(reply + "\r\n"), timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The client may be gone already; closing the connection is all that is left to do.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            pipe.Dispose();
        }
    }
}
