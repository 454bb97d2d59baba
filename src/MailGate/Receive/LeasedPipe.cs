using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer.IO;

namespace MailGate.Receive;

/// <summary>
/// A session's pipe that gives its connection slot back when SmtpServer disposes it (which it always does
/// when the session ends, however it ends). The slot is released before the socket closes, so a client
/// that sees the connection close can count on the slot being free.
/// </summary>
internal sealed class LeasedPipe(ISecurableDuplexPipe inner, IDisposable lease) : ISecurableDuplexPipe
{
    // Input and Output are replaced by STARTTLS: always read them from the inner pipe.
    public PipeReader Input => inner.Input;

    public PipeWriter Output => inner.Output;

    public bool IsSecure => inner.IsSecure;

    public SslProtocols SslProtocol => inner.SslProtocol;

    public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
        inner.UpgradeAsync(certificate, protocols, cancellationToken);

    public void Dispose()
    {
        lease.Dispose();
        inner.Dispose();
    }
}
