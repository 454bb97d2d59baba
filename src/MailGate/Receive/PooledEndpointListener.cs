using System.Net.Sockets;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace MailGate.Receive;

/// <summary>
/// SmtpServer's endpoint listener, with connections read into <see cref="DataBlockPool"/> (<see cref="PooledDuplexPipe"/>):
/// accepts on <paramref name="listener"/> and sets the session's local and remote endpoints under SmtpServer's keys.
/// </summary>
internal sealed class PooledEndpointListener(TcpListener listener, DataBlockPool pool, Action stopped) : IEndpointListener
{
    private int _disposed;

    public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
    {
        var socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
        context.Properties.Add(EndpointListener.LocalEndPointKey, listener.LocalEndpoint);
        context.Properties.Add(EndpointListener.RemoteEndPointKey, socket.RemoteEndPoint!);
        return new PooledDuplexPipe(new NetworkStream(socket, ownsSocket: true), pool);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            listener.Stop();
            stopped();
        }
    }
}
