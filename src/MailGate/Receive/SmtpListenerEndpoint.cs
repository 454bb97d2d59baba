using System.Net;

namespace MailGate.Receive;

/// <summary>The address the SMTP listener is bound to, known once it listens (port 0 resolves here).</summary>
public sealed class SmtpListenerEndpoint
{
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the listener is bound.</summary>
    public Task<IPEndPoint> Bound => _bound.Task;

    /// <summary>Whether the listener is bound now.</summary>
    public bool IsListening => _bound.Task.IsCompletedSuccessfully;

    /// <summary>
    /// Completes when the listener has stopped accepting (the first step of a stop): new connections are
    /// refused from then on, while open sessions may still finish their DATA.
    /// </summary>
    public Task Closed => _closed.Task;

    internal void SetBound(IPEndPoint endpoint) => _bound.TrySetResult(endpoint);

    internal void SetFailed(Exception error) => _bound.TrySetException(error);

    internal void SetClosed() => _closed.TrySetResult();
}
