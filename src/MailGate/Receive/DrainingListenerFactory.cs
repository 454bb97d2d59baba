using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace MailGate.Receive;

/// <summary>
/// SmtpServer's listener factory with a way to stop accepting connections while the sessions already
/// open carry on: the first step of a graceful shutdown (SmtpServer's own <c>Shutdown()</c> would cut
/// sessions in the middle of DATA). Also reports the bound endpoint (port 0 resolves here). Its listeners
/// read every connection into <paramref name="pool"/> (<see cref="PooledEndpointListener"/>).
/// <paramref name="wrap"/> puts a layer (the connection gate) between the socket listener and the drain.
/// </summary>
internal sealed class DrainingListenerFactory(DataBlockPool pool, Func<IEndpointListener, IEndpointListener>? wrap = null) : EndpointListenerFactory
{
    private readonly List<DrainingListener> _listeners = [];
    private readonly Lock _lock = new();
    private volatile bool _stopped;

    public override IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        var tcp = new System.Net.Sockets.TcpListener(endpointDefinition.Endpoint);
        tcp.Start();
        var started = new EndpointEventArgs(endpointDefinition, tcp.LocalEndpoint);
        OnEndpointStarted(started);
        var socketListener = new PooledEndpointListener(tcp, pool, () => OnEndpointStopped(started));
        var listener = new DrainingListener(wrap is null ? socketListener : wrap(socketListener), this);
        lock (_lock)
        {
            _listeners.Add(listener);
        }

        return listener;
    }

    /// <summary>Closes the listening sockets: new connections are refused from now on.</summary>
    public void StopAccepting()
    {
        _stopped = true;
        lock (_lock)
        {
            foreach (var listener in _listeners)
            {
                listener.Dispose();
            }
        }
    }

    private sealed class DrainingListener(IEndpointListener inner, DrainingListenerFactory factory) : IEndpointListener
    {
        private int _disposed;

        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            if (!factory._stopped)
            {
                try
                {
                    return await inner.GetPipeAsync(context, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception) when (factory._stopped && !cancellationToken.IsCancellationRequested)
                {
                    // The socket was closed under the pending accept: fall through and park.
                }
            }

            // Park SmtpServer's accept loop until the server itself stops (that cancels the token).
            await new TaskCompletionSource().Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            throw new OperationCanceledException(cancellationToken);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                inner.Dispose();
            }
        }
    }
}
